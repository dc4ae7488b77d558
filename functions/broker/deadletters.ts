import type { Redis } from 'ioredis';
import type { Dispatcher } from 'undici';
import type { EventJson } from './format';
import { deliver, type Attempt, type Target } from './deliver';
import type { TriggerKeys } from './keys';
import type { DeadLetterKind } from './metrics';
import { DEAD_LETTER } from './scripts';
import { runScript } from '../../shared/redis/index';

/** Why an entry is dead-lettered. */
export interface Failure {
  readonly kind: DeadLetterKind;
  readonly reason: string;
  /** The subscriber's last HTTP status, when it answered. */
  readonly status?: number;
  /** Delivery attempts made. */
  readonly attempts: number;
  /** The start of the subscriber's last answer. */
  readonly body?: string;
}

/**
 * Acknowledges the entry and appends its dead letter in one step (one slot: the trigger's keys).
 * Returns the dead letter's id, or null when the entry was no longer pending for the group
 * (someone else finished it).
 */
export async function writeDeadLetter(
  redis: Redis,
  keys: TriggerKeys,
  { entry, event, subscriber }: { entry: string; event: string; subscriber: string },
  failure: Failure,
): Promise<string | null> {
  const fields = [
    'event',
    event,
    'trigger',
    keys.trigger,
    'kind',
    failure.kind,
    'reason',
    failure.reason,
    'status',
    failure.status === undefined ? '' : String(failure.status),
    'attempts',
    String(failure.attempts),
    'entry',
    entry,
    'subscriber',
    subscriber,
    'time',
    new Date().toISOString(),
  ];
  return (await runScript(
    redis,
    DEAD_LETTER,
    [keys.stream, keys.deadLetters],
    [keys.trigger, entry, ...fields],
  )) as string | null;
}

/**
 * POSTs a dead letter to the trigger's `deadLetterSink`, with the error attributes Knative adds
 * (`knativeerrordest`, `knativeerrorcode`, `knativeerrordata`).
 */
export function sendToSink(
  event: EventJson,
  failure: Failure,
  options: { dispatcher: Dispatcher; sink: Target; subscriber: string; timeoutMs: number },
): Promise<Attempt> {
  const annotated: EventJson = {
    ...event,
    knativeerrordest: options.subscriber,
    ...(failure.status !== undefined ? { knativeerrorcode: String(failure.status) } : {}),
    ...(failure.body ? { knativeerrordata: Buffer.from(failure.body).toString('base64') } : {}),
  };
  return deliver(annotated, {
    dispatcher: options.dispatcher,
    target: options.sink,
    timeoutMs: options.timeoutMs,
    maxReplyBytes: 65_536, // a reply from the sink is read and ignored
  });
}
