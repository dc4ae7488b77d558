import type { CloudEventFunction } from '@google-cloud/functions-framework';
import {
  EventValidationError,
  parseEvent,
  type EventTypeName,
  type IncomingEvent,
  type MultivacEvent,
} from '../events/index';
import { eventLogger, type Logger } from '../log/index';
import type { Metrics } from '../metrics/index';
import { admittedEvent } from './admitted';
import { monotonicMs, secondsSince } from '../metrics/clock';

/** `event` if this function takes its type. */
function accepted<T extends EventTypeName>(
  event: MultivacEvent,
  accept: readonly T[],
): Extract<MultivacEvent, { type: T }> {
  if (!(accept as readonly string[]).includes(event.type))
    throw new EventValidationError(
      `event ${event.id} of type ${event.type} is not one of ${accept.join(', ')}`,
    );
  return event as Extract<MultivacEvent, { type: T }>;
}

export type Handled = 'ok' | 'duplicate';

export type EventHandler<T extends EventTypeName> = (
  event: Extract<MultivacEvent, { type: T }>,
  log: Logger,
) => Promise<Handled | void>;

export interface EventFunctionOptions {
  log: Logger;
  metrics: Metrics;
  projectId?: string;
}

/**
 * A Functions Framework CloudEvent handler that validates the event, logs with its id and type,
 * records the outcome, and returns nothing (a returned value would make the framework answer with
 * a body, which a Knative broker treats as a failed delivery).
 *
 * A thrown error becomes a 500, which the broker retries; so handlers throw only for what may
 * succeed later. An event of a type this function does not take is acknowledged and logged: the
 * server's admission check already refused anything outside the catalogue with a 400.
 */
export function eventFunction<T extends EventTypeName>(
  accept: readonly T[],
  handle: EventHandler<T>,
  { log, metrics, projectId }: EventFunctionOptions,
): CloudEventFunction {
  return async (incoming) => {
    const started = monotonicMs();
    const raw = incoming as unknown as IncomingEvent;
    const type = typeof raw.type === 'string' ? raw.type : 'unknown';
    const elog = eventLogger(
      log,
      {
        id: String(raw.id ?? ''),
        type,
        source: String(raw.source ?? ''),
        traceparent: (incoming as { traceparent?: unknown }).traceparent,
      },
      projectId,
    );
    let event: Extract<MultivacEvent, { type: T }>;
    try {
      // Validated already by the function's server (runFunction); parsed here when called directly.
      const admitted = admittedEvent.getStore();
      event = admitted ? accepted(admitted, accept) : parseEvent(raw, accept);
    } catch (err) {
      if (!(err instanceof EventValidationError)) throw err;
      elog.warn({ detail: err.message }, 'event not for this function; acknowledged');
      metrics.observeEvent(type, 'rejected', secondsSince(started));
      return;
    }
    try {
      const outcome = (await handle(event, elog)) ?? 'ok';
      metrics.observeEvent(type, outcome, secondsSince(started));
    } catch (err) {
      metrics.observeEvent(type, 'failed', secondsSince(started));
      elog.error({ err }, 'event handling failed; the broker will retry');
      throw err;
    }
  };
}
