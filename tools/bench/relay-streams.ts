/**
 * The relay's optional middle: the broker's Redis work per event and nothing else, so that the
 * broker benchmark can tell what Redis Streams cost from what the broker's own work costs.
 *
 * Each event is appended with the broker's own PUBLISH script (its duplicate marker, the
 * all-or-nothing append, the read for this consumer at the append), one script call for the
 * requests of one event-loop turn as the broker does; the sender is answered once Redis has it;
 * what the append read is forwarded, what it left is read with a plain XREADGROUP when a slot
 * frees; and what the subscriber answered is acknowledged with one XACK per turn. No validation,
 * no routing (one stream, one group), no retries, timeouts, metrics or bookkeeping.
 */
import { Redis } from 'ioredis';
import { PUBLISH } from '../../functions/broker/scripts';
import { runScript } from '../../shared/redis/index';

/** What the relay forwards: the binary-mode headers and the body. */
export interface Forward {
  headers: Record<string, string>;
  body: string | Buffer;
  /** The stream entry it came from (the Redis mode only), acknowledged once answered. */
  id?: string;
}

const GROUP = 'relay';
const CONSUMER = 'relay';
const DEDUP_TTL_SECONDS = 3600;

type RawEntry = [id: string, fields: string[]];
type ReadReply = [stream: string, entries: RawEntry[]][] | null;

const fromEntry = ([id, fields]: RawEntry): Forward => ({
  ...(JSON.parse(fields[1]!) as Forward),
  id,
});

export class StreamsHop {
  readonly #redis: Redis;
  readonly #stream: string;
  /** Hands entries to the relay's forwarding, which calls `answered` for each when done. */
  readonly #forward: (forwards: Forward[]) => void;
  /** Forwards that may start: the relay's concurrency less those reserved, handed over or running. */
  #free: number;
  #queue: { forwards: Forward[]; done: (err?: unknown) => void }[] = [];
  #scheduled = false;
  /** Appended by this process and not yet read by it. */
  #unread = 0;
  #reading = false;
  #acks: string[] = [];

  private constructor(
    redis: Redis,
    stream: string,
    concurrency: number,
    forward: (forwards: Forward[]) => void,
  ) {
    this.#redis = redis;
    this.#stream = stream;
    this.#free = concurrency;
    this.#forward = forward;
  }

  /** Connects and makes `stream` and its group, empty. */
  static async open(
    url: string,
    stream: string,
    concurrency: number,
    forward: (forwards: Forward[]) => void,
  ): Promise<StreamsHop> {
    // As the broker's own client: commands of one turn go out in one write.
    const redis = new Redis(url, { lazyConnect: true, enableAutoPipelining: true });
    await redis.connect();
    await redis.del(stream);
    await redis.xgroup('CREATE', stream, GROUP, '$', 'MKSTREAM');
    return new StreamsHop(redis, stream, concurrency, forward);
  }

  /** Resolves once Redis holds `forwards` (the broker's 202). */
  append(forwards: Forward[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ forwards, done: (err) => (err ? reject(err) : resolve()) });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => void this.#flush());
      }
    });
  }

  /** The subscriber answered the forward of entry `id`: acknowledge it (one XACK per turn). */
  answered(id: string): void {
    this.#free += 1;
    if (this.#acks.push(id) === 1) {
      setImmediate(() => {
        const ids = this.#acks;
        this.#acks = [];
        this.#redis.xack(this.#stream, GROUP, ...ids).catch((err: unknown) => console.error(err));
      });
    }
    void this.#readLeft();
  }

  async close(): Promise<void> {
    await this.#redis.quit();
  }

  async #flush(): Promise<void> {
    this.#scheduled = false;
    const batch = this.#queue;
    this.#queue = [];
    const forwards = batch.flatMap((b) => b.forwards);
    const reserve = Math.min(this.#free, forwards.length + this.#unread);
    this.#free -= reserve;
    const markers = forwards.map(
      (f) => `${this.#stream}:dedup:${f.headers['ce-source']}\n${f.headers['ce-id']}`,
    );
    const pairs = forwards.flatMap((_, i) => [1, i + 1]);
    try {
      const [ids, read] = (await runScript(
        this.#redis,
        PUBLISH,
        [this.#stream, ...markers],
        [
          DEDUP_TTL_SECONDS,
          1,
          forwards.length,
          CONSUMER,
          GROUP,
          reserve,
          ...pairs,
          ...forwards.map((f) => JSON.stringify({ headers: f.headers, body: String(f.body) })),
        ],
      )) as [string[], (string | RawEntry)[]];
      this.#free += reserve - read.length;
      const byId = new Map(ids.map((id, i) => [id, forwards[i]!]));
      this.#unread += ids.filter(Boolean).length - read.length;
      for (const b of batch) b.done();
      this.#forward(
        read.map((item) =>
          typeof item === 'string' ? { ...byId.get(item)!, id: item } : fromEntry(item),
        ),
      );
      // What it left is read now: every forward may have been answered before this reply came,
      // and then no answer is left to come that would read it.
      void this.#readLeft();
    } catch (err) {
      this.#free += reserve;
      for (const b of batch) b.done(err);
    }
  }

  /** Reads what the appends left for lack of a free slot. */
  async #readLeft(): Promise<void> {
    if (this.#reading || this.#unread === 0 || this.#free === 0) return;
    this.#reading = true;
    const count = Math.min(this.#free, this.#unread);
    this.#free -= count;
    try {
      const reply = (await this.#redis.xreadgroup(
        'GROUP',
        GROUP,
        CONSUMER,
        'COUNT',
        count,
        'STREAMS',
        this.#stream,
        '>',
      )) as ReadReply;
      const entries = reply?.[0]?.[1] ?? [];
      this.#free += count - entries.length;
      // Nothing new in Redis means nothing left, whatever the count said.
      this.#unread = entries.length ? this.#unread - entries.length : 0;
      this.#forward(entries.map(fromEntry));
    } catch (err) {
      this.#free += count;
      console.error(err);
      return;
    } finally {
      this.#reading = false;
    }
    void this.#readLeft();
  }
}
