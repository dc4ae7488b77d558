import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { HttpError, requireMediaType, validate } from '../../shared/http/index';

const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';

/** The body as the Functions Framework parsed it (JSON, form or text), never trusted. */
type ParsedRequest = IncomingMessage & { body?: unknown };

function fields(req: ParsedRequest, allowed: readonly string[]): Record<string, unknown> {
  requireMediaType(req, allowed);
  const body = req.body;
  if (body === undefined || body === null || body === '')
    throw new HttpError(400, 'the request has no body');
  if (typeof body !== 'object' || Array.isArray(body) || Buffer.isBuffer(body)) {
    throw new HttpError(400, 'the body must be a JSON object or a form');
  }
  return body as Record<string, unknown>;
}

const urlField = z.string({ error: 'must be a string' }).max(4096, 'is too long');

/**
 * The URL of `PUT /multivac/data`: `url` or `URL` (the original challenge names it `URL`), in a JSON
 * object or a form. Both present and different is ambiguous, hence a 400.
 */
export function urlFromBody(req: ParsedRequest): string {
  const body = fields(req, [JSON_TYPE, FORM_TYPE]);
  const given = [body.url, body.URL].filter((v) => v !== undefined);
  if (given.length === 0) throw new HttpError(400, 'send the page address as "url" (or "URL")');
  if (given.length === 2 && given[0] !== given[1])
    throw new HttpError(400, '"url" and "URL" disagree; send one');
  return validate(urlField, given[0], 'url');
}

const textField = z.string({ error: 'must be a string' }).trim().min(1, 'is empty');

/** The raw text of `POST /multivac/data`: form field `data` or JSON `{"text": …}`. */
export function textFromBody(req: ParsedRequest): string {
  const body = fields(req, [JSON_TYPE, FORM_TYPE]);
  const value = body.text ?? body.data;
  if (value === undefined)
    throw new HttpError(400, 'send the text as form field "data" or JSON "text"');
  return validate(textField, value, 'text');
}
