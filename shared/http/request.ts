import type { IncomingMessage } from 'node:http';
import * as z from '../zod/index';
import { HttpError } from './problem';

/** The media type of a request without parameters, lower-cased ('' when absent). */
export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/** 415 unless the request's media type is one of `allowed`. */
export function requireMediaType(req: IncomingMessage, allowed: readonly string[]): string {
  const type = mediaType(req);
  if (!allowed.includes(type)) {
    throw new HttpError(
      415,
      `unsupported media type ${type ? `"${type}"` : '(none)'}; send one of: ${allowed.join(', ')}`,
    );
  }
  return type;
}

/** 413 when the declared or received body is larger than `limit` bytes. */
export function requireBodyWithin(
  req: IncomingMessage & { rawBody?: Buffer },
  limit: number,
): void {
  const declared = Number(req.headers['content-length'] ?? 0);
  const received = req.rawBody?.length ?? 0;
  if (declared > limit || received > limit) {
    throw new HttpError(413, `request body is larger than ${limit} bytes`);
  }
}

/** Parses `value` with `schema`, or 400 listing what is wrong with it. */
export function validate<S extends z.core.$ZodType>(
  schema: S,
  value: unknown,
  what = 'request',
): z.output<S> {
  const result = z.safeParse(schema, value);
  if (result.success) return result.data;
  const detail = result.error.issues
    .map((issue) =>
      issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message,
    )
    .join('; ');
  throw new HttpError(400, `invalid ${what}: ${detail}`);
}

interface AcceptEntry {
  type: string;
  q: number;
  order: number;
}

function parseAccept(header: string): AcceptEntry[] {
  return header
    .split(',')
    .map((part, order) => {
      const [type = '', ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const quality = q ? Number(q.slice(2)) : 1;
      return {
        type: type.trim(),
        q: Number.isFinite(quality) ? Math.min(1, Math.max(0, quality)) : 0,
        order,
      };
    })
    .filter((e) => e.type !== '');
}

const matches = (range: string, type: string) =>
  range === '*/*' ||
  range === type ||
  (range.endsWith('/*') && type.startsWith(range.slice(0, -1)));

/**
 * The offered type the client prefers (by q, then specificity, then the server's order);
 * `offered[0]` when there is no Accept header or nothing acceptable, so a browser or curl always
 * gets an answer rather than a 406.
 */
export function negotiate(req: IncomingMessage, offered: readonly [string, ...string[]]): string {
  const header = req.headers.accept;
  if (!header) return offered[0];
  const ranges = parseAccept(header);
  type Choice = { type: string; q: number; specificity: number; order: number };
  const better = (x: Choice, y: Choice) =>
    x.q !== y.q
      ? x.q > y.q
      : x.specificity !== y.specificity
        ? x.specificity > y.specificity
        : x.order < y.order;
  let best: Choice | undefined;
  for (const type of offered) {
    const candidates = ranges.filter((r) => matches(r.type, type));
    if (!candidates.length) continue;
    // The most specific matching range decides this type's quality (RFC 9110 §12.5.1); ties go
    // to the client's order, then to the server's.
    const spec = (r: AcceptEntry) => (r.type === type ? 2 : r.type === '*/*' ? 0 : 1);
    const decisive = candidates.sort((a, b) => spec(b) - spec(a))[0]!;
    if (decisive.q === 0) continue;
    const choice = { type, q: decisive.q, specificity: spec(decisive), order: decisive.order };
    if (!best || better(choice, best)) best = choice;
  }
  return best?.type ?? offered[0];
}
