import type { IncomingMessage } from 'node:http';
import { FEED_MEDIA_TYPES, feedTextRequest, feedUrlRequest } from '../../shared/api/index';
import { HttpError, requireMediaType, validate } from '../../shared/http/index';

/** The body as the Functions Framework parsed it (JSON, form or text), never trusted. */
type ParsedRequest = IncomingMessage & { body?: unknown };

function fields(req: ParsedRequest): Record<string, unknown> {
  requireMediaType(req, FEED_MEDIA_TYPES);
  const body = req.body;
  if (body === undefined || body === null || body === '')
    throw new HttpError(400, 'the request has no body');
  if (typeof body !== 'object' || Array.isArray(body) || Buffer.isBuffer(body)) {
    throw new HttpError(400, 'the body must be a JSON object or a form');
  }
  return body as Record<string, unknown>;
}

/** The URL of `PUT /multivac/data`, as `url` or `URL` (see `feedUrlRequest`). */
export function urlFromBody(req: ParsedRequest): string {
  const { url, URL } = validate(feedUrlRequest, fields(req), 'body');
  return (url ?? URL)!;
}

/** The raw text of `POST /multivac/data`: `text`, else form field `data`. */
export function textFromBody(req: ParsedRequest): string {
  const { text, data } = validate(feedTextRequest, fields(req), 'body');
  return (text ?? data)!;
}
