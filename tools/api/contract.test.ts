import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ContractViolation, createContract, type ObservedResponse } from './contract';
import { openApiDocument } from './openapi';

const contract = createContract(openApiDocument(resolve(import.meta.dirname, '../..')));

const response = (
  status: number,
  headers: Record<string, string>,
  body: unknown = '',
): ObservedResponse => ({
  status,
  headers: new Headers(headers),
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

const answer = {
  status: 'answered',
  answer: 'Perhaps by a fluctuation [1].',
  confidence: 0.7,
  sources: [{ n: 1, url: 'https://example.org/a', title: 'A' }],
  knowledgeVersion: '3',
  updatedAt: '2026-01-02T03:04:05.000Z',
};
const answerHeaders = {
  'content-type': 'application/json',
  etag: '"kv3-json"',
  vary: 'Accept',
  'cache-control': 'no-cache',
};
const source = {
  id: 'src-1',
  url: 'https://example.org/a',
  kind: 'url',
  state: 'requested',
  requestedAt: '2026-01-02T03:04:05.000Z',
  updatedAt: '2026-01-02T03:04:05.000Z',
};
const sourceHeaders = {
  'content-type': 'application/json',
  location: '/multivac/data/src-1',
  'cache-control': 'no-store',
};
const problem = (status: number, extra: Record<string, unknown> = {}) => ({
  type: 'about:blank',
  title: 'x',
  status,
  detail: 'why',
  ...extra,
});
const PROBLEM = { 'content-type': 'application/problem+json' };

describe('a response the document describes', () => {
  it.each([
    ['GET', '/', response(200, { 'content-type': 'text/plain; charset=utf-8' }, 'Welcome')],
    ['GET', '/multivac', response(200, answerHeaders, answer)],
    ['GET', '/multivac', response(304, { etag: '"kv3-json"' })],
    ['HEAD', '/multivac', response(200, answerHeaders)],
    ['PUT', '/multivac/data', response(202, sourceHeaders, source)],
    ['GET', '/multivac/data/src-1?x=1', response(200, sourceHeaders, source)],
    ['PUT', '/multivac/data', response(429, { ...PROBLEM, 'retry-after': '7' }, problem(429))],
    ['GET', '/nope', response(404, PROBLEM, problem(404))],
    ['DELETE', '/multivac', response(405, { ...PROBLEM, allow: 'GET, HEAD, POST' }, problem(405))],
  ])('%s %s passes', (method, url, observed) => {
    expect(() => contract.check(method, url, observed)).not.toThrow();
  });

  it('names what it checked against', () => {
    expect(
      contract.check('GET', '/multivac/data/src-1', response(200, sourceHeaders, source)),
    ).toEqual({ operation: 'GET /multivac/data/{id}', status: 200, mediaType: 'application/json' });
  });
});

describe('a response the document does not describe', () => {
  it.each([
    [
      'a missing field',
      'GET',
      '/multivac',
      response(200, answerHeaders, { ...answer, confidence: undefined }),
      'confidence',
    ],
    [
      'a value out of range',
      'GET',
      '/multivac',
      response(200, answerHeaders, { ...answer, confidence: 2 }),
      'confidence',
    ],
    [
      'an extra field',
      'GET',
      '/multivac/data/s',
      response(200, sourceHeaders, { ...source, secret: 1 }),
      'additional',
    ],
    [
      'a bad instant',
      'GET',
      '/multivac/data/s',
      response(200, sourceHeaders, { ...source, updatedAt: 'today' }),
      'updatedAt',
    ],
    [
      'a missing required header',
      'GET',
      '/multivac',
      response(
        200,
        { 'content-type': 'application/json', vary: 'Accept', 'cache-control': 'no-cache' },
        answer,
      ),
      'ETag',
    ],
    [
      'a header of the wrong type',
      'PUT',
      '/multivac/data',
      response(429, { ...PROBLEM, 'retry-after': 'soon' }, problem(429)),
      'Retry-After',
    ],
    [
      'no Retry-After on a 429',
      'PUT',
      '/multivac/data',
      response(429, PROBLEM, problem(429)),
      'Retry-After',
    ],
    [
      'an undocumented status',
      'GET',
      '/multivac',
      response(418, PROBLEM, problem(418)),
      'not documented',
    ],
    [
      'an undocumented media type',
      'GET',
      '/multivac',
      response(200, { ...answerHeaders, 'content-type': 'text/html' }, '<p>'),
      'text/html',
    ],
    [
      'a body that is not JSON',
      'GET',
      '/multivac',
      response(200, answerHeaders, '{"status":'),
      'not JSON',
    ],
    [
      'a body where none is described',
      'GET',
      '/multivac',
      response(304, { etag: '"kv3-json"' }, 'x'),
      'no',
    ],
    [
      'a problem without detail',
      'GET',
      '/multivac/jobs/j',
      response(404, PROBLEM, { ...problem(404), detail: undefined }),
      'detail',
    ],
    [
      'an unlisted path answered',
      'GET',
      '/nope',
      response(200, { 'content-type': 'text/plain' }, 'hi'),
      'not 404',
    ],
    [
      'a 405 whose Allow differs from the document',
      'DELETE',
      '/multivac',
      response(405, { ...PROBLEM, allow: 'GET, HEAD' }, problem(405)),
      'Allow',
    ],
    [
      'an unlisted method answered',
      'DELETE',
      '/multivac/data',
      response(200, sourceHeaders, source),
      'not 405',
    ],
  ])('%s fails', (_name, method, url, observed, fragment) => {
    const check = () => contract.check(method, url, observed);
    expect(check).toThrow(ContractViolation);
    expect(check).toThrow(fragment);
  });
});
