import type { Metrics } from '../../shared/metrics/index';

/** Publish-to-delivery latency, seconds: a retried delivery can take minutes. */
const LATENCY = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800];

/** Kinds of dead letter, a bounded label. */
export type DeadLetterKind = 'rejected' | 'exhausted' | 'interrupted' | 'unreadable';

/** The broker's metrics, on the process registry (`metricsForProcess('broker')`). */
export function brokerMetrics(metrics: Metrics) {
  return {
    base: metrics,
    published: metrics.counter(
      'multivac_broker_published_total',
      "Entries appended to a trigger's stream (an event goes to each trigger that takes it), by trigger.",
      ['trigger'],
    ),
    duplicates: metrics.counter(
      'multivac_broker_duplicates_total',
      'Events answered 202 but not appended again: their source + id was seen before.',
    ),
    unrouted: metrics.counter(
      'multivac_broker_unrouted_total',
      'Events answered 202 and not stored because no trigger takes them.',
    ),
    rejected: metrics.counter(
      'multivac_broker_rejected_total',
      'Ingress requests refused, by HTTP status.',
      ['status'],
    ),
    delivered: metrics.counter(
      'multivac_broker_delivered_total',
      'Entries delivered (2xx) and acknowledged, by trigger.',
      ['trigger'],
    ),
    retried: metrics.counter(
      'multivac_broker_retried_total',
      'Failed delivery attempts that will be retried, by trigger.',
      ['trigger'],
    ),
    deadLettered: metrics.counter(
      'multivac_broker_deadlettered_total',
      'Entries dead-lettered, by trigger and kind (rejected, exhausted, interrupted, unreadable).',
      ['trigger', 'kind'],
    ),
    replies: metrics.counter(
      'multivac_broker_replies_total',
      'Reply events published back into the broker, by trigger.',
      ['trigger'],
    ),
    reclaimed: metrics.counter(
      'multivac_broker_reclaimed_total',
      'Entries taken over from a consumer that stopped answering, by trigger.',
      ['trigger'],
    ),
    trimmed: metrics.counter(
      'multivac_broker_trimmed_total',
      'Entries trimmed from the stream once every group was done with them.',
    ),
    pending: metrics.gauge(
      'multivac_broker_pending',
      'Entries delivered to a consumer and not yet acknowledged, by trigger.',
      ['trigger'],
    ),
    lag: metrics.gauge(
      'multivac_broker_lag',
      "Entries in the trigger's stream that it has not read yet, by trigger.",
      ['trigger'],
    ),
    inFlight: metrics.gauge(
      'multivac_broker_in_flight',
      'Delivery attempts in progress in this process, by trigger.',
      ['trigger'],
    ),
    streamLength: metrics.gauge(
      'multivac_broker_stream_length',
      "Entries in the trigger's stream, by trigger.",
      ['trigger'],
    ),
    deadLetters: metrics.gauge(
      'multivac_broker_deadletters',
      "Entries in the trigger's dead-letter stream, waiting to be re-driven, by trigger.",
      ['trigger'],
    ),
    attemptSeconds: metrics.histogram(
      'multivac_broker_delivery_attempt_seconds',
      'Duration of one delivery attempt, by trigger and outcome (delivered, failed).',
      ['trigger', 'outcome'],
    ),
    latencySeconds: metrics.histogram(
      'multivac_broker_delivery_latency_seconds',
      'From append to acknowledged delivery, retries included, by trigger.',
      ['trigger'],
      LATENCY,
    ),
  };
}

export type BrokerMetrics = ReturnType<typeof brokerMetrics>;

/**
 * The per-trigger series of one trigger, looked up once: a labelled call hashes its labels on
 * every use, which the delivery path should not pay per event.
 */
export function triggerMetrics(metrics: BrokerMetrics, trigger: string) {
  const labels = { trigger };
  return {
    delivered: metrics.delivered.labels(labels),
    retried: metrics.retried.labels(labels),
    replies: metrics.replies.labels(labels),
    reclaimed: metrics.reclaimed.labels(labels),
    inFlight: metrics.inFlight.labels(labels),
    attemptDelivered: metrics.attemptSeconds.labels({ trigger, outcome: 'delivered' }),
    attemptFailed: metrics.attemptSeconds.labels({ trigger, outcome: 'failed' }),
    latency: metrics.latencySeconds.labels(labels),
    deadLettered: (kind: DeadLetterKind) => metrics.deadLettered.inc({ trigger, kind }),
  };
}

export type TriggerMetrics = ReturnType<typeof triggerMetrics>;
