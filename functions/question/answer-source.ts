import type { Db } from 'mongodb';
import {
  answerChannel,
  fillCachedAnswer,
  getCachedAnswer,
  type Cache,
} from '../../shared/cache/index';
import { NO_ANSWER, type AnswerView } from '../../shared/knowledge/answer-view';
import type { Logger } from '../../shared/log/index';
import type { RedisHandle } from '../../shared/redis/index';
import { answerToView, latestAnswer } from '../../shared/store/index';
import { AnswerMemory } from './answer-memory';
import { servedAnswer, type ServedAnswer } from './served-answer';
import { monotonicMs } from '../../shared/metrics/clock';

export interface AnswerSourceDeps {
  cache: Cache;
  /** The cache's Redis, whose connection the announcements' subscription duplicates. */
  redis: RedisHandle;
  db(): Promise<Db>;
  ttlSeconds: number;
  /** How long the answer in memory may be served while no announcement can reach this process. */
  maxStaleMs: number;
  /** How long at most it is served even while subscribed (an announcement lost anyway). */
  maxAgeMs?: number;
  log: Logger;
  now?: () => number;
  /** Observes each answer read into memory: the one served from then on. */
  onRead?: (answer: AnswerView) => void;
}

export interface AnswerSource {
  /** The current answer, prepared for sending: at once when memory holds it fresh. */
  current(): ServedAnswer | Promise<ServedAnswer>;
  /** Subscribes to the answer's announcements (once; also done by the first current()). */
  subscribe(): Promise<void>;
}

/**
 * Where `GET /multivac` gets the current answer: this process's memory, while fresh
 * (`AnswerMemory`: until `learn` announces a newer version on Redis pub/sub, or `maxStaleMs`
 * while the subscription is down); else the Redis cache (written through by `learn`); else
 * MongoDB's newest answer version, which then refills the cache unless something newer got there
 * first. Never recomputed here. Concurrent misses in one process share one read.
 */
export function answerSource({
  cache,
  redis,
  db,
  ttlSeconds,
  maxStaleMs,
  maxAgeMs = 60_000,
  log,
  now = monotonicMs,
  onRead,
}: AnswerSourceDeps): AnswerSource {
  const memory = new AnswerMemory<ServedAnswer>(maxStaleMs, maxAgeMs);
  let reading: Promise<ServedAnswer> | undefined;
  let subscribing: Promise<void> | undefined;

  const fromMongo = async (): Promise<AnswerView> => {
    const doc = await latestAnswer(await db());
    const view = doc ? answerToView(doc) : NO_ANSWER;
    await fillCachedAnswer(cache, view, ttlSeconds).catch((err: unknown) =>
      log.warn({ err }, 'answer cache not refilled'),
    );
    return view;
  };

  const read = async (): Promise<ServedAnswer> => {
    const startedAt = now();
    const cached = await getCachedAnswer(cache).catch((err: unknown) => {
      log.warn({ err }, 'answer cache unavailable; reading MongoDB');
      return null;
    });
    const served = servedAnswer(cached ?? (await fromMongo()));
    onRead?.(served.view);
    // As of when the read began: an announcement that came while it ran is not overlooked.
    memory.set(served, Number(served.view.knowledgeVersion), startedAt);
    return served;
  };

  const subscribe = async (): Promise<void> => {
    const subscriber = (await redis.client()).duplicate({
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
      autoResubscribe: false,
      lazyConnect: true,
    });
    subscriber.on('error', () => {});
    subscriber.on('message', (_channel: string, version: string) =>
      memory.announced(Number(version)),
    );
    subscriber.on('close', () => memory.subscribed(false));
    const channel = answerChannel(cache);
    // Subscribed on every (re)connection: until it is, answers in memory live `maxStaleMs`.
    subscriber.on('ready', () => {
      void subscriber.subscribe(channel).then(
        () => memory.subscribed(true),
        () => memory.subscribed(false),
      );
    });
    await subscriber.connect();
  };

  const ensureSubscribed = () => {
    subscribing ??= subscribe().catch((err: unknown) => {
      subscribing = undefined;
      log.debug({ err }, 'answer announcements not subscribed; answers expire after maxStaleMs');
    });
    return subscribing;
  };

  return {
    subscribe: ensureSubscribed,
    current() {
      // maxStaleMs 0: no memory at all, every request asks Redis.
      if (maxStaleMs > 0) {
        if (!subscribing) void ensureSubscribed();
        const held = memory.get(now());
        if (held) return held;
      }
      reading ??= read().finally(() => (reading = undefined));
      return reading;
    },
  };
}
