/**
 * How long `question` may serve the answer it holds in memory without asking Redis again.
 *
 * While it is subscribed to the answer's announcements, until the next one arrives (learn publishes
 * every version it stores) — at most `maxAgeMs`, in case one was lost anyway. While it is not (not
 * yet subscribed, or the subscription broke and announcements may have been missed), at most
 * `maxStaleMs`. So an answer is never more than `maxStaleMs` older than Redis's while Redis
 * cannot announce, and about a round trip older while it can.
 */
export class AnswerMemory<T> {
  #entry: { value: T; at: number; version: number } | undefined;
  #subscribed = false;
  /** The newest version announced: anything older read meanwhile is not held. */
  #announced = -Infinity;

  constructor(
    readonly maxStaleMs: number,
    readonly maxAgeMs: number,
  ) {}

  /** What it holds, while that may still be served at `now`. */
  get(now: number): T | undefined {
    const entry = this.#entry;
    if (!entry) return undefined;
    const limit = this.#subscribed ? this.maxAgeMs : this.maxStaleMs;
    return now - entry.at < limit ? entry.value : undefined;
  }

  /**
   * Holds `value` (answer version `version`) as read at `now`. Not a version older than one held
   * or one announced since: a read that began before an announcement may bring the old answer.
   */
  set(value: T, version: number, now: number): void {
    if (version < this.#announced) return;
    if (this.#entry && this.#entry.version > version && this.get(now) !== undefined) return;
    this.#entry = { value, at: now, version };
  }

  /** An announcement of `version`: what it holds is no longer current unless it is that new. */
  announced(version: number): void {
    if (!Number.isFinite(version)) return;
    this.#announced = Math.max(this.#announced, version);
    if (this.#entry && this.#entry.version < version) this.#entry = undefined;
  }

  /**
   * The subscription started or broke: either way it forgets what it holds — read before the
   * subscription, it may have missed an announcement.
   */
  subscribed(on: boolean): void {
    this.#subscribed = on;
    this.#entry = undefined;
  }
}
