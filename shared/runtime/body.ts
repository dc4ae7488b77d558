import type { IncomingMessage } from 'node:http';

/** Thrown when a body exceeds its limit while being read. */
export class BodyTooLargeError extends Error {
  override name = 'BodyTooLargeError';
  readonly status = 413;
  readonly type = 'entity.too.large';
  constructor(readonly limit: number) {
    super(`request body is larger than ${limit} bytes`);
  }
}

/** Reads a whole request body, failing as soon as it grows past `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        reject(new BodyTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    const onAborted = () => onError(new Error('request aborted'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}

/**
 * Watches a body that another reader consumes (the Functions Framework's body-parser, which
 * allows 1 GiB) and aborts that reader with a 413 once `limit` bytes went past. The watcher must
 * be attached in the same tick as the reader so that both see every chunk.
 */
export function limitStreamingBody(
  req: IncomingMessage,
  limit: number,
  onExceeded: () => void,
): void {
  let size = 0;
  const onData = (chunk: Buffer) => {
    size += chunk.length;
    if (size <= limit) return;
    req.off('data', onData);
    onExceeded();
    // The reader (raw-body) listens for errors and gives up with this error's 413 status.
    if (req.listenerCount('error') > 0) req.emit('error', new BodyTooLargeError(limit));
  };
  req.on('data', onData);
  req.once('end', () => req.off('data', onData));
}
