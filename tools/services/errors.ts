/** A server the stack needs is not available; `message` is one line saying how to get it. */
export class MissingServiceError extends Error {
  override name = 'MissingServiceError';
}
