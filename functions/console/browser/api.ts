/**
 * The public API as the page uses it (same origin, through the gateway). Responses are read
 * defensively: the page shows whatever it gets as text and never trusts a shape.
 */

export interface CitedSource {
  n: number;
  title: string;
  url?: string;
}

export interface Answer {
  status: 'insufficient' | 'answered';
  answer: string;
  confidence: number;
  sources: CitedSource[];
  knowledgeVersion: string;
  updatedAt: string;
}

export type SourceState = 'requested' | 'fetching' | 'acquired' | 'failed';

export interface Source {
  id: string;
  url: string;
  kind: string;
  state: SourceState;
  title?: string;
  reason?: string;
  updatedAt?: string;
}

export interface SourcePage {
  items: Source[];
  next: string | null;
}

export type JobState = 'queued' | 'running' | 'succeeded' | 'failed';

export interface Job {
  jobId: string;
  state: JobState;
  total: number | null;
  done: number;
  failed: number;
  /** Pages fed before the job that it still waits for; the job plans once they are in. */
  fetching: number;
  reason?: string;
}

/** A refused or failed request, from its problem+json (RFC 9457) when it has one. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    /** Seconds, from `Retry-After`. */
    readonly retryAfter?: number,
  ) {
    super(`${status} ${title}: ${detail}`);
  }
}

type Json = Record<string, unknown>;
const record = (value: unknown): Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
const text = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;
const count = (value: unknown): number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : 0;
const oneOf = <T extends string>(value: unknown, allowed: readonly T[], fallback: T): T =>
  allowed.includes(value as T) ? (value as T) : fallback;

export function toAnswer(value: unknown): Answer {
  const v = record(value);
  const confidence = typeof v.confidence === 'number' ? v.confidence : 0;
  return {
    status: oneOf(v.status, ['insufficient', 'answered'], 'insufficient'),
    answer: text(v.answer) ?? '',
    confidence: Math.min(1, Math.max(0, Number.isFinite(confidence) ? confidence : 0)),
    sources: (Array.isArray(v.sources) ? v.sources : []).flatMap((s) => {
      const source = record(s);
      const n = count(source.n);
      if (n === 0) return [];
      const url = text(source.url);
      return [{ n, title: text(source.title) ?? '', ...(url ? { url } : {}) }];
    }),
    knowledgeVersion: text(v.knowledgeVersion) ?? '',
    updatedAt: text(v.updatedAt) ?? '',
  };
}

export function toSource(value: unknown): Source {
  const v = record(value);
  const title = text(v.title);
  const reason = text(v.reason);
  const updatedAt = text(v.updatedAt);
  return {
    id: text(v.id) ?? '',
    url: text(v.url) ?? '',
    kind: text(v.kind) ?? 'url',
    state: oneOf(v.state, ['requested', 'fetching', 'acquired', 'failed'], 'requested'),
    ...(title ? { title } : {}),
    ...(reason ? { reason } : {}),
    ...(updatedAt ? { updatedAt } : {}),
  };
}

export function toJob(value: unknown): Job {
  const v = record(value);
  const reason = text(v.reason);
  return {
    jobId: text(v.jobId) ?? '',
    state: oneOf(v.state, ['queued', 'running', 'succeeded', 'failed'], 'queued'),
    total: v.total === null || v.total === undefined ? null : count(v.total),
    done: count(v.done),
    failed: count(v.failed),
    fetching: count(v.fetching),
    ...(reason ? { reason } : {}),
  };
}

/** The problem a non-2xx response carries (or one made from its status line). */
export async function problemOf(res: Response): Promise<ApiError> {
  let body: Json = {};
  if (/^application\/(problem\+)?json/.test(res.headers.get('content-type') ?? ''))
    body = record(await res.json().catch(() => ({})));
  const retry = Number(res.headers.get('retry-after') ?? Number.NaN);
  return new ApiError(
    res.status,
    text(body.title) ?? (res.statusText || 'Error'),
    text(body.detail) ?? 'the request was not accepted',
    Number.isFinite(retry) && retry >= 0 ? retry : undefined,
  );
}

export interface Api {
  /** The current answer, or 'unchanged' when it still has ETag `etag`. */
  answer(etag?: string): Promise<{ answer: Answer; etag?: string } | 'unchanged'>;
  sources(query: { state?: SourceState; cursor?: string; limit: number }): Promise<SourcePage>;
  /** `PUT /multivac/data`: 202 queued (or re-queued), 200 already learned. */
  feed(url: string): Promise<{ status: number; source: Source }>;
  learn(): Promise<Job>;
  job(jobId: string): Promise<Job>;
}

/** The API at `base` (the page's own origin by default). */
export function createApi(fetchFn: typeof fetch = (...args) => fetch(...args), base = ''): Api {
  const request = async (path: string, init: RequestInit = {}): Promise<Response> => {
    // The page manages its own validators (If-None-Match); the HTTP cache must not answer for it.
    const res = await fetchFn(`${base}${path}`, { cache: 'no-store', ...init });
    if (res.status >= 400) throw await problemOf(res);
    return res;
  };
  const json = async (res: Response): Promise<unknown> => res.json();
  return {
    async answer(etag) {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (etag) headers['if-none-match'] = etag;
      const res = await request('/multivac', { headers });
      if (res.status === 304) return 'unchanged';
      const tag = res.headers.get('etag') ?? undefined;
      return { answer: toAnswer(await json(res)), ...(tag ? { etag: tag } : {}) };
    },
    async sources({ state, cursor, limit }) {
      const query = new URLSearchParams({ limit: String(limit) });
      if (state) query.set('state', state);
      if (cursor) query.set('cursor', cursor);
      const body = record(await json(await request(`/multivac/data?${query}`)));
      return {
        items: (Array.isArray(body.items) ? body.items : []).map(toSource),
        next: text(body.next) ?? null,
      };
    },
    async feed(url) {
      const res = await request('/multivac/data', {
        method: 'PUT',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ url }),
      });
      return { status: res.status, source: toSource(await json(res)) };
    },
    async learn() {
      return toJob(await json(await request('/multivac', { method: 'POST' })));
    },
    async job(jobId) {
      return toJob(await json(await request(`/multivac/jobs/${encodeURIComponent(jobId)}`)));
    },
  };
}
