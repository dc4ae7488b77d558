import {
  Mode,
  emitterFor,
  type CloudEvent,
  type Message,
  type TransportFunction,
} from 'cloudevents';
import { EmitError } from './errors';

export type Emit = (events: CloudEvent<unknown> | readonly CloudEvent<unknown>[]) => Promise<void>;

export interface EmitterOptions {
  /** The broker ingress (`K_SINK`). */
  sink: string;
  timeoutMs?: number;
  /** Events per batch request; larger fan-outs are split. */
  maxBatch?: number;
  /** Swappable transport (tests); the default POSTs with fetch and checks the status. */
  transport?: TransportFunction;
  /** Called once per event accepted by the sink (metrics). */
  onEmitted?: (event: CloudEvent<unknown>) => void;
}

const BATCH_CONTENT_TYPE = 'application/cloudevents-batch+json; charset=utf-8';

/** Statuses worth retrying, as in the Knative data-plane spec. */
export const isRetryableStatus = (status: number) =>
  status >= 500 || status === 404 || status === 408 || status === 409 || status === 429;

/** POSTs one message to the sink with a timeout; a non-2xx answer or no answer is an EmitError. */
export function httpSinkTransport(sink: string, timeoutMs: number): TransportFunction {
  return async (message: Message) => {
    let response: Response;
    try {
      response = await fetch(sink, {
        method: 'POST',
        headers: message.headers as Record<string, string>,
        body: message.body as string,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const cause = err as Error;
      const reason =
        cause.name === 'TimeoutError'
          ? `no answer within ${timeoutMs} ms`
          : ((cause.cause as Error | undefined)?.message ?? cause.message);
      throw new EmitError(`sink ${sink} unreachable: ${reason}`);
    }
    const text = await response.text().catch(() => '');
    if (!response.ok) {
      throw new EmitError(
        `sink ${sink} refused the event${text ? `: ${response.status} ${text.slice(0, 300)}` : `: ${response.status}`}`,
        response.status,
        isRetryableStatus(response.status),
      );
    }
    return response;
  };
}

/**
 * Publishes through the CloudEvents SDK: one event in binary mode, several as
 * `application/cloudevents-batch+json` requests of at most `maxBatch` events.
 */
export function createEmitter({
  sink,
  timeoutMs = 5000,
  maxBatch = 100,
  transport,
  onEmitted,
}: EmitterOptions): Emit {
  const send = transport ?? httpSinkTransport(sink, timeoutMs);
  const single = emitterFor(send, { mode: Mode.BINARY });
  return async (input) => {
    const events = Array.isArray(input)
      ? (input as readonly CloudEvent<unknown>[])
      : [input as CloudEvent<unknown>];
    if (events.length === 1) {
      await single(events[0]!);
    } else {
      for (let i = 0; i < events.length; i += maxBatch) {
        const chunk = events.slice(i, i + maxBatch);
        await send({
          headers: { 'content-type': BATCH_CONTENT_TYPE },
          body: JSON.stringify(chunk.map((e) => e.toJSON())),
        });
      }
    }
    if (onEmitted) for (const e of events) onEmitted(e);
  };
}
