import { createHash } from 'node:crypto';

/** The Redis keys of one broker, all derived from its stream name (MULTIVAC_STREAM). */
export interface BrokerKeys {
  /** The event stream; one consumer group per trigger. */
  readonly stream: string;
  /** Dead letters written by the broker (no deadLetterSink). */
  readonly deadLetters: string;
  /** The duplicate marker of an event, by `source` + `id`; expires after the dedup TTL. */
  dedup(source: string, id: string): string;
}

export function brokerKeys(stream: string): BrokerKeys {
  return {
    stream,
    deadLetters: `${stream}:deadletter`,
    // Hashed: source and id are arbitrary strings of any length.
    dedup: (source, id) =>
      `${stream}:dedup:${createHash('sha1')
        .update(JSON.stringify([source, id]))
        .digest('base64url')}`,
  };
}
