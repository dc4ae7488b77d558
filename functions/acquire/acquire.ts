import type { Db } from 'mongodb';
import type { Emit, EventType } from '../../shared/events/index';
import { contentHash, extract, type Extracted } from '../../shared/extract/index';
import { oneAtATime } from './one-at-a-time';
import type { FetchedPage } from '../../shared/fetch/index';
import type { Logger } from '../../shared/log/index';
import type { EventHandler } from '../../shared/runtime/index';
import { collections, type SourceDoc } from '../../shared/store/index';
import { storeDocument } from './documents';
import { acquiredEvent, failedEvent } from './events';
import {
  gaveUpReason,
  isLastAttempt,
  nextAttempt,
  noReadableText,
  toFailure,
  type Failure,
} from './failure';
import type { AcquireMetrics } from './metrics';
import { monotonicMs, secondsSince } from '../../shared/metrics/clock';

export interface AcquireDeps {
  db: () => Promise<Db>;
  emit: Emit;
  /** `safeFetch` with the function's limits and address policy. */
  fetchPage: (url: string) => Promise<FetchedPage>;
  /** Default `extract` from shared/extract. */
  extractText?: (page: FetchedPage) => Promise<Extracted>;
  /** Attempts of one request before a transient failure is recorded as final. */
  maxAttempts: number;
  metrics: AcquireMetrics;
  now?: () => Date;
}

type Page = { page: FetchedPage; extracted: Extracted };

// One page at a time per process: see one-at-a-time.ts.
const defaultExtract = oneAtATime((page: FetchedPage) =>
  extract(page.body, {
    contentType: page.contentType,
    url: page.url,
    ...(page.headers.contentLanguage ? { contentLanguage: page.headers.contentLanguage } : {}),
  }),
);

/**
 * The handler of `dev.multivac.source.requested` (see README.md): fetch, extract, store the
 * document, mark the source and announce the outcome. Idempotent: a redelivery of a settled
 * request re-publishes the same outcome event (same id) and changes nothing else.
 */
export function acquireHandler(deps: AcquireDeps): EventHandler<typeof EventType.SourceRequested> {
  const now = deps.now ?? (() => new Date());
  const extractText = deps.extractText ?? defaultExtract;

  return async (event, log) => {
    const { sourceId, url } = event.data;
    const db = await deps.db();
    const { sources } = collections(db);
    const source = await sources.findOne({ _id: sourceId });
    if (!source) {
      log.warn({ sourceId }, 'unknown source; event acknowledged');
      return 'duplicate';
    }
    if (source.url !== url) {
      log.warn(
        { sourceId, eventUrl: url, sourceUrl: source.url },
        'event URL differs from the source URL; event acknowledged',
      );
      return 'duplicate';
    }
    if (source.state === 'acquired' && source.documentId) {
      await deps.emit(acquiredEvent(source, source.documentId));
      log.info({ sourceId, documentId: source.documentId }, 'already acquired; outcome re-sent');
      return 'duplicate';
    }
    if (source.state === 'failed') {
      await deps.emit(failedEvent(source, source.reason ?? 'failed'));
      log.info({ sourceId, reason: source.reason }, 'already failed; outcome re-sent');
      return 'duplicate';
    }

    const attempt = nextAttempt(source);
    await sources.updateOne(
      { _id: sourceId },
      { $set: { state: 'fetching', attempts: attempt, updatedAt: now() } },
    );

    const started = monotonicMs();
    const seconds = () => secondsSince(started);
    let result: Page | Failure;
    try {
      const page = await deps.fetchPage(source.url);
      deps.metrics.bytes(page.body.byteLength);
      const extracted = await extractText(page);
      result = extracted.text.trim() ? { page, extracted } : noReadableText();
    } catch (err) {
      const failure = toFailure(err);
      if (!failure) throw err;
      result = failure;
    }

    if ('page' in result) {
      await acquired(db, source, result, now());
      deps.metrics.fetched('acquired', 'ok', seconds());
      log.info(
        { sourceId, attempt, bytes: result.page.body.byteLength, finalUrl: result.page.url },
        'source acquired',
      );
      return 'ok';
    }

    if (result.kind === 'transient' && !isLastAttempt(attempt, deps.maxAttempts)) {
      deps.metrics.fetched('retry', result.code, seconds());
      await sources.updateOne(
        { _id: sourceId },
        {
          $set: {
            reason: `attempt ${attempt} of ${deps.maxAttempts} failed: ${result.reason}`,
            updatedAt: now(),
          },
        },
      );
      log.warn(
        {
          sourceId,
          attempt,
          code: result.code,
          detail: result.detail,
          retryAfterSeconds: result.retryAfterSeconds,
        },
        `fetch failed transiently, to be retried: ${result.reason}`,
      );
      throw new TransientFetchFailure(result.reason);
    }

    const reason =
      result.kind === 'transient' ? gaveUpReason(attempt, result.reason) : result.reason;
    deps.metrics.fetched(
      result.kind === 'transient' ? 'gave-up' : 'failed',
      result.code,
      seconds(),
    );
    const outcome = { reason, code: result.code, detail: result.detail };
    await failed(db, source, outcome, now(), { emit: deps.emit, log });
    return 'ok';
  };

  async function acquired(db: Db, source: SourceDoc, { page, extracted }: Page, at: Date) {
    const documentId = contentHash(extracted.text);
    await storeDocument(db, {
      _id: documentId,
      sourceIds: [source._id],
      url: page.url,
      title: extracted.title,
      text: extracted.text,
      createdAt: at,
    });
    await collections(db).sources.updateOne(
      { _id: source._id },
      {
        $set: { state: 'acquired', documentId, title: extracted.title, updatedAt: at },
        $unset: { reason: '' },
      },
    );
    // After the writes, so whoever hears of it finds the document; a refused emit throws and the
    // redelivery re-sends the same event from the recorded state.
    await deps.emit(acquiredEvent(source, documentId));
  }
}

/** Records a final failure: the public reason on the source and in the event, the detail in the log. */
async function failed(
  db: Db,
  source: SourceDoc,
  { reason, code, detail }: Pick<Failure, 'reason' | 'code' | 'detail'>,
  at: Date,
  { emit, log }: { emit: Emit; log: Logger },
): Promise<void> {
  await collections(db).sources.updateOne(
    { _id: source._id },
    { $set: { state: 'failed', reason, updatedAt: at } },
  );
  log.info({ sourceId: source._id, reason, code, detail }, 'source failed');
  await emit(failedEvent(source, reason));
}

/** Thrown for a transient failure that the broker should retry (the handler answers 500). */
export class TransientFetchFailure extends Error {
  override name = 'TransientFetchFailure';
}
