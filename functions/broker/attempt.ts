import type { Dispatcher } from 'undici';
import type { Logger } from '../../shared/log/index';
import { backoffMs, maxAttempts } from './backoff';
import type { Failure } from './deadletters';
import { deliver, type Attempt, type Target } from './deliver';
import { appendedAt, type StreamEntry } from './entry';
import type { TriggerMetrics } from './metrics';
import { EventTooLargeError, prepare, type Publish } from './publish';
import { eventLog, type Settler } from './settle';
import type { Trigger } from './triggers';
import { monotonicMs, secondsSince } from '../../shared/metrics/clock';

export interface AttemptOptions {
  trigger: Trigger;
  subscriber: Target;
  http: Dispatcher;
  /** Publishes reply events back into the broker (routed like any other event). */
  publish: Publish;
  maxEventBytes: number;
  settle: Settler;
  metrics: TriggerMetrics;
  /** The trigger's logger. */
  log: Logger;
}

/**
 * One delivery attempt of an entry (`attempt` counts from 1, Redis's delivery count): the POST to
 * the subscriber, its reply (a 200 carrying a CloudEvent) published back into the broker, and
 * then the outcome handed to the settler — acknowledged, dead-lettered, or left pending for a
 * retry after its backoff. `answered` is told once the subscriber has answered (and the reply is
 * published), before the outcome is recorded.
 */
export async function runAttempt(
  entry: StreamEntry,
  attempt: number,
  options: AttemptOptions,
  answered: () => void = () => {},
): Promise<void> {
  const { trigger, metrics, settle } = options;
  const log = eventLog(options.log, entry, { attempt });
  const started = monotonicMs();
  const result = await deliverAndReply(entry, options, log);
  answered();
  const seconds = secondsSince(started);
  if (result.ok) {
    metrics.attemptDelivered.observe(seconds);
    await settle.delivered(entry.id);
    metrics.delivered.inc();
    metrics.latency.observe(Math.max(0, Date.now() - appendedAt(entry.id)) / 1000);
    if (options.log.isLevelEnabled('debug')) log().debug({ status: result.status }, 'delivered');
    return;
  }
  metrics.attemptFailed.observe(seconds);
  const failure: Failure = {
    kind: result.retryable ? 'exhausted' : 'rejected',
    reason: result.reason,
    attempts: attempt,
    ...(result.status !== undefined ? { status: result.status } : {}),
    ...(result.body ? { body: result.body } : {}),
  };
  if (!result.retryable || attempt >= maxAttempts(trigger)) {
    await settle.deadLetter(entry, failure);
    return;
  }
  metrics.retried.inc();
  log().warn(
    { status: result.status, reason: result.reason, retryInMs: backoffMs(trigger, attempt) },
    'delivery failed; it will be retried',
  );
  await settle.retryLater(entry.id, log);
}

/** The POST, and the reply published when there is one; a reply Redis refuses fails the attempt. */
async function deliverAndReply(
  entry: StreamEntry,
  { trigger, subscriber, http, publish, maxEventBytes, metrics }: AttemptOptions,
  log: () => Logger,
): Promise<Attempt> {
  const result = await deliver(entry.event, {
    dispatcher: http,
    target: subscriber,
    timeoutMs: trigger.timeoutMs,
    maxReplyBytes: maxEventBytes,
  });
  if (!result.ok || !result.reply) return result;
  try {
    const published = await publish([prepare(result.reply, maxEventBytes)]);
    const appended = published.appended.reduce((a, b) => a + b, 0);
    if (appended > 0) metrics.replies.inc();
    log().debug(
      { reply: result.reply.id, duplicate: published.duplicates > 0, appended },
      'reply published',
    );
    return result;
  } catch (err) {
    return {
      ok: false,
      retryable: !(err instanceof EventTooLargeError),
      status: result.status,
      reason: `the reply could not be published: ${(err as Error).message}`,
    };
  }
}
