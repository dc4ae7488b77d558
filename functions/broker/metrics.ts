import type { Metrics } from '../../shared/metrics/index';

/** Publish-to-delivery latency, seconds: a retried delivery can take minutes. */
const LATENCY = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800];

/** Kinds of dead letter, a bounded label. */
export type DeadLetterKind = 'rejected' | 'exhausted' | 'interrupted' | 'unreadable';

/** The broker's metrics, on the process registry (`metricsForProcess('broker')`). */
export function brokerMetrics(metrics: Metrics) {
  return {
    base: metrics,
    published: metrics.counter('multivac_broker_published_total', 'Events appended to the stream.'),
    duplicates: metrics.counter(
      'multivac_broker_duplicates_total',
      'Events answered 202 but not appended again: their source + id was seen before.',
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
    filtered: metrics.counter(
      'multivac_broker_filtered_total',
      'Entries acknowledged at once because the trigger does not take them, by trigger.',
      ['trigger'],
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
      'Entries in the stream the trigger has not read yet, by trigger.',
      ['trigger'],
    ),
    inFlight: metrics.gauge(
      'multivac_broker_in_flight',
      'Delivery attempts in progress in this process, by trigger.',
      ['trigger'],
    ),
    streamLength: metrics.gauge('multivac_broker_stream_length', 'Entries in the stream.'),
    deadLetters: metrics.gauge(
      'multivac_broker_deadletters',
      'Entries in the dead-letter stream, waiting to be re-driven.',
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
