/** Why a body yields no document. */
export type ExtractErrorCode = 'content-type' | 'too-large' | 'empty';

/**
 * Thrown by `extract`. Always permanent: the same bytes give the same outcome, so `acquire`
 * records the `reason` on the source as `failed` and does not retry.
 */
export class ExtractError extends Error {
  override name = 'ExtractError';
  readonly kind = 'permanent';
  constructor(
    readonly code: ExtractErrorCode,
    readonly reason: string,
  ) {
    super(reason);
  }
}
