import {
  Mode,
  emitterFor,
  type CloudEvent,
  type Message,
  type TransportFunction,
} from 'cloudevents';
import http from 'node:http';
import { EmitError } from './errors';

export type Emit = (events: CloudEvent<unknown> | readonly CloudEvent<unknown>[]) => Promise<void>;

export interface EmitterOptions {
  /** The broker ingress (`K_SINK`). */
  sink: string;
  timeoutMs?: number;
  /** Events per batch request; larger fan-outs are split. */
  maxBatch?: number;
  /** Swappable transport (tests); the default POSTs with Node's http and checks the status. */
  transport?: TransportFunction;
  /** Called once per event accepted by the sink (metrics). */
  onEmitted?: (event: CloudEvent<unknown>) => void;
}

const BATCH_CONTENT_TYPE = 'application/cloudevents-batch+json; charset=utf-8';

/** Statuses worth retrying, as in the Knative data-plane spec. */
export const isRetryableStatus = (status: number) =>
  status >= 500 || status === 404 || status === 408 || status === 409 || status === 429;

/** A sink's answer: its status and (the start of) its body. */
interface Answer {
  status: number;
  text: string;
}

/** Bytes of a refusal's body kept for the error. */
const KEPT = 300;

/**
 * POSTs one message to the sink with a timeout; a non-2xx answer or no answer is an EmitError.
 * Node's `http` with a keep-alive agent rather than `fetch`: fetch's WebAssembly parser and web
 * streams cost a function ~17 MiB of memory from its first request on, and ~45 MiB after a few
 * hundred, where this costs a few.
 */
export function httpSinkTransport(sink: string, timeoutMs: number): TransportFunction {
  const url = new URL(sink);
  // node:https (and with it TLS) only for an https sink: loading it costs a cold start ~5 ms.
  const client = url.protocol === 'https:' ? process.getBuiltinModule('node:https') : http;
  const agent = new client.Agent({ keepAlive: true });
  const post = (message: Message) =>
    new Promise<Answer>((resolve, reject) => {
      const body = Buffer.from(message.body as string);
      const req = client.request(
        url,
        {
          method: 'POST',
          agent,
          headers: {
            ...(message.headers as Record<string, string>),
            'content-length': body.length,
          },
          timeout: timeoutMs,
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            if (text.length < KEPT) text += chunk;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  return async (message: Message) => {
    let answer: Answer;
    try {
      answer = await post(message);
    } catch (err) {
      throw new EmitError(`sink ${sink} unreachable: ${(err as Error).message}`);
    }
    if (answer.status < 200 || answer.status >= 300) {
      const { status, text } = answer;
      throw new EmitError(
        `sink ${sink} refused the event${text ? `: ${status} ${text.slice(0, KEPT)}` : `: ${status}`}`,
        status,
        isRetryableStatus(status),
      );
    }
    return answer;
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
