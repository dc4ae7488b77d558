import type { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type * as Zlib from 'node:zlib';
import { permanent } from './errors';

/** node:zlib, loaded by the first compressed body rather than with acquire (~2 ms of its start). */
const zlib = (): typeof Zlib => process.getBuiltinModule('node:zlib');

/**
 * Reads a response body into memory, never holding more than `maxBytes`: the limit is enforced
 * on the bytes as they arrive and again on the decoded bytes when the server compressed the body
 * anyway (a small gzip can inflate to gigabytes). Exceeding it destroys the stream, which closes
 * the connection, and throws a permanent `too-large` error.
 */
export async function readBody(
  body: Readable,
  contentEncoding: string | undefined,
  maxBytes: number,
): Promise<Uint8Array> {
  const tooLarge = () => permanent('too-large', `body is larger than ${maxBytes} bytes`);
  const limit = async function* (source: AsyncIterable<Buffer>) {
    let size = 0;
    for await (const chunk of source) {
      size += chunk.length;
      if (size > maxBytes) throw tooLarge();
      yield chunk;
    }
  };
  const chunks: Buffer[] = [];
  const collect = async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of limit(source)) chunks.push(chunk);
  };

  const decoder = decoderFor(contentEncoding);
  if (decoder) await pipeline(body, limit, decoder, collect);
  else await pipeline(body, collect);
  return Buffer.concat(chunks);
}

function decoderFor(contentEncoding: string | undefined): Transform | undefined {
  const encoding = (contentEncoding ?? '').trim().toLowerCase();
  switch (encoding) {
    case '':
    case 'identity':
      return undefined;
    case 'gzip':
    case 'x-gzip':
      return zlib().createGunzip();
    case 'deflate':
      return zlib().createInflate();
    case 'br':
      return zlib().createBrotliDecompress();
    default:
      throw permanent('content-encoding', `content encoding "${encoding}" is not supported`);
  }
}
