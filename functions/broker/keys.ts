import { nodeCrypto } from '../../shared/runtime/node-crypto';

/**
 * The Redis keys of one broker, all derived from MULTIVAC_STREAM (the base). Each trigger has
 * its own stream, dead letters and duplicate markers under a hash tag of its name
 * (`<base>:{<trigger>}…`): one trigger's keys share a Redis Cluster hash slot, so every script
 * that touches one trigger stays single-slot, and different triggers spread over the shards.
 */
export interface BrokerKeys {
  /**
   * MULTIVAC_STREAM. Its configuration refuses braces: a brace in it would be every key's hash
   * tag and put every trigger in one slot.
   */
  readonly base: string;
  /** A set of every trigger name the broker has served (retired ones are found through it). */
  readonly registry: string;
  /** The keys of the single-stream layout this one replaced (checked at start-up only). */
  readonly legacy: { readonly stream: string; readonly deadLetters: string };
  /** One trigger's keys. */
  of(trigger: string): TriggerKeys;
}

export interface TriggerKeys {
  readonly trigger: string;
  /** The trigger's stream; its consumer group has the trigger's name. */
  readonly stream: string;
  /** Its dead letters (those written by the broker; a deadLetterSink gets the others). */
  readonly deadLetters: string;
  /** The duplicate marker of an event in this stream, by `source` + `id`: see dedupSuffix. */
  dedup(suffix: string): string;
}

/** Past this many UTF-16 units of `source` + `id`, the marker holds a hash of them instead. */
export const DEDUP_RAW_LIMIT = 200;

/**
 * The event-specific end of a duplicate marker's key, computed once per event and shared by every
 * trigger it goes to. The usual short `source` + `id` is kept as text, prefixed with the length of
 * `source` so that no two pairs give the same key; only a long pair is hashed (sha1, `#…`, which no
 * length prefix starts with).
 */
export function dedupSuffix(source: string, id: string): string {
  if (source.length + id.length <= DEDUP_RAW_LIMIT) return `${source.length}:${source}${id}`;
  return `#${nodeCrypto()
    .createHash('sha1')
    .update(JSON.stringify([source, id]))
    .digest('base64url')}`;
}

export function brokerKeys(base: string): BrokerKeys {
  const cache = new Map<string, TriggerKeys>();
  return {
    base,
    registry: `${base}:triggers`,
    legacy: { stream: base, deadLetters: `${base}:deadletter` },
    of(trigger) {
      let keys = cache.get(trigger);
      if (!keys) {
        const stream = `${base}:{${trigger}}`;
        const dedupPrefix = `${stream}:dedup:`;
        keys = {
          trigger,
          stream,
          deadLetters: `${stream}:deadletter`,
          dedup: (suffix) => dedupPrefix + suffix,
        };
        cache.set(trigger, keys);
      }
      return keys;
    },
  };
}
