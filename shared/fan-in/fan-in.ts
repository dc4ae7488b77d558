import type { Db } from 'mongodb';
import type { RedisHandle } from '../redis/index';
import { runScript } from '../redis/index';
import { COUNT } from './script';

/** One member of a fan-in and how it ended. */
export interface FanInFact {
  member: string;
  outcome: 'done' | 'failed';
}

export interface FanInState {
  total: number;
  done: number;
  failed: number;
}

export interface Counted extends FanInState {
  /** How many of this call's members were counted now (the others were counted before). */
  counted: number;
  /**
   * This call completed the fan-in and owns the follow-up work. Exactly one finisher ever gets
   * true, and keeps getting it when it calls again (its event redelivered after a crash).
   */
  last: boolean;
}

/** What a count is rebuilt from when Redis lost it: its total and every member counted so far. */
export interface FanInRecord {
  total: number;
  facts: readonly FanInFact[];
}

/**
 * Reads the durable record of a fan-in (in MongoDB): null when it is not recorded yet (the count
 * was never opened). Every member a caller counts must be in it before the caller counts.
 */
export type Rebuild = (db: Db, key: string) => Promise<FanInRecord | null>;

export interface FanIn {
  /** Opens `key` for `total` members; a key already open keeps its total. */
  open(key: string, total: number): Promise<void>;
  /**
   * Counts `facts` once each towards `key` on behalf of `finisher`, with one Lua call. When Redis
   * no longer has the key, it is rebuilt from `rebuild` (which includes these facts) first.
   */
  count(
    db: Db,
    key: string,
    facts: readonly FanInFact[],
    finisher: string,
    rebuild: Rebuild,
  ): Promise<Counted>;
  /** The live counts, or null when Redis does not have them (never opened, or lost). */
  progress(key: string): Promise<FanInState | null>;
  /** Forgets a finished fan-in's count. */
  close(key: string): Promise<void>;
}

export interface FanInOptions {
  redis: RedisHandle;
  /** Namespace of the Redis keys. */
  prefix: string;
  /** A count not touched for this long expires (7 days by default). */
  ttlSeconds?: number;
}

/** Thrown when a count must be rebuilt but its total is not recorded yet; worth a retry. */
export class FanInNotOpenError extends Error {
  override name = 'FanInNotOpenError';
}

type Reply = [counted: number, done?: number, failed?: number, total?: number, last?: number];

/**
 * A fan-in counted where counting is cheap and atomic (one Lua call in Redis: a hash of members,
 * counted once each), with MongoDB as the durable record it is rebuilt from: FerretDB 1.x loses
 * concurrent updates of one document, and counting there is a scan per call (docs/ferretdb.md).
 * Redis and the broker share one server, so a crash of Redis that loses the last writes of a
 * count also loses the acknowledgements that followed them, and those members are delivered and
 * counted again; a count lost entirely is rebuilt from the record.
 */
export function createFanIn({ redis, prefix, ttlSeconds = 7 * 24 * 3600 }: FanInOptions): FanIn {
  // The braces make the key its own hash slot in a Redis Cluster.
  const keyOf = (key: string) => `${prefix}:fanin:{${key}}`;
  const call = async (
    key: string,
    finisher: string,
    total: number | '',
    facts: readonly FanInFact[],
  ) =>
    (await runScript(
      await redis.client(),
      COUNT,
      [keyOf(key)],
      [finisher, total, ttlSeconds, ...facts.flatMap((f) => [f.member, f.outcome])],
    )) as Reply;
  const counted = ([n, done = 0, failed = 0, total = 0, last = 0]: Reply): Counted => ({
    counted: n,
    done,
    failed,
    total,
    last: last === 1,
  });

  return {
    async open(key, total) {
      await call(key, '#open', total, []);
    },
    async count(db, key, facts, finisher, rebuild) {
      const reply = await call(key, finisher, '', facts);
      if (reply[0] !== -1) return counted(reply);
      const record = await rebuild(db, key);
      if (record === null) throw new FanInNotOpenError(`the fan-in ${key} is not open yet`);
      const rebuilt = counted(await call(key, finisher, record.total, record.facts));
      // This call's own members were counted by the rebuild (they are in the record); what it
      // counted, it counted once, as far as the caller is concerned.
      return rebuilt;
    },
    async progress(key) {
      const [total, done, failed] = await (
        await redis.client()
      ).hmget(keyOf(key), '#total', '#done', '#failed');
      if (total === null) return null;
      return { total: Number(total), done: Number(done ?? 0), failed: Number(failed ?? 0) };
    },
    async close(key) {
      await (await redis.client()).del(keyOf(key));
    },
  };
}
