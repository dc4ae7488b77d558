import { describe, expect, it } from 'vitest';
import { ApiError, problemOf, toAnswer, toJob, toSource } from './api';
import { explain } from './explain';

describe('reading responses defensively', () => {
  it('keeps a well-formed answer as it is', () => {
    const answer = {
      status: 'answered',
      answer: 'Text [1]',
      confidence: 0.42,
      sources: [{ n: 1, url: 'http://a.test/', title: 'A' }],
      knowledgeVersion: '7',
      updatedAt: '2026-01-01T00:00:00.000Z',
    };
    expect(toAnswer(answer)).toEqual(answer);
  });

  it('turns anything else into something safe to show', () => {
    expect(
      toAnswer({
        status: '<b>',
        answer: 5,
        confidence: 7,
        sources: [{ n: 0 }, { n: 2, title: 3, url: {} }, 'x'],
      }),
    ).toEqual({
      status: 'insufficient',
      answer: '',
      confidence: 1,
      sources: [{ n: 2, title: '' }],
      knowledgeVersion: '',
      updatedAt: '',
    });
    expect(toSource(null)).toMatchObject({ id: '', url: '', state: 'requested' });
    expect(toSource({ state: 'failed', reason: 'HTTP 404' })).toMatchObject({
      state: 'failed',
      reason: 'HTTP 404',
    });
    expect(toJob({ state: 'running', total: null, done: -1, failed: 'x' })).toEqual({
      jobId: '',
      state: 'running',
      total: null,
      done: 0,
      failed: 0,
      fetching: 0,
    });
  });
});

describe('problems', () => {
  it('reads problem+json with Retry-After', async () => {
    const res = new Response(
      JSON.stringify({ title: 'Too Many Requests', status: 429, detail: 'slow down' }),
      { status: 429, headers: { 'content-type': 'application/problem+json', 'retry-after': '7' } },
    );
    const problem = await problemOf(res);
    expect(problem).toMatchObject({ status: 429, title: 'Too Many Requests', retryAfter: 7 });
    expect(explain(problem)).toBe('429 Too Many Requests: slow down. Try again in 7 s.');
  });

  it('makes one from a response without a body', async () => {
    const problem = await problemOf(new Response('', { status: 502, statusText: 'Bad Gateway' }));
    expect(explain(problem)).toBe('502 Bad Gateway: the request was not accepted.');
  });

  it('says when nothing reached the server', () => {
    expect(explain(new TypeError('fetch failed'))).toMatch(
      /could not be reached; nothing was sent/,
    );
    expect(explain(new ApiError(400, 'Bad Request', 'invalid url: no.'))).toBe(
      '400 Bad Request: invalid url: no.',
    );
  });
});
