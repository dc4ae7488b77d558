import type { Dispatcher } from 'undici';
import { CodecError, readEvents, toBinary, type EventJson } from './codec';
import { verdictOf } from './status';

/** The result of one delivery attempt. */
export type Attempt =
  | { readonly ok: true; readonly status: number; readonly reply?: EventJson }
  | {
      readonly ok: false;
      /** Worth another attempt (Knative data-plane contract), or straight to the dead letters. */
      readonly retryable: boolean;
      readonly reason: string;
      readonly status?: number;
      /** The start of the subscriber's answer, for the dead letter. */
      readonly body?: string;
    };

export interface DeliverOptions {
  /** The HTTP client (an undici Agent with keep-alive). */
  dispatcher: Dispatcher;
  url: string;
  timeoutMs: number;
  /** Largest reply event read back (the per-event limit). */
  maxReplyBytes: number;
}

/** What is kept of an error answer's body for the dead letter. */
const ERROR_BODY_BYTES = 2048;

/**
 * POSTs an event in binary content mode with `Prefer: reply` and judges the answer: any 2xx
 * delivers it, and a 200 carrying a CloudEvent (binary or structured) is a reply for the broker
 * to publish. Timeouts and connection errors are retryable failures; an invalid reply is a
 * failure retrying cannot fix. Never throws.
 */
export async function deliver(event: EventJson, options: DeliverOptions): Promise<Attempt> {
  const { dispatcher, url, timeoutMs, maxReplyBytes } = options;
  const message = toBinary(event);
  const traceparent = event.traceparent;
  let response: Dispatcher.ResponseData;
  try {
    response = await dispatcher.request({
      origin: new URL(url).origin,
      path: pathOf(url),
      method: 'POST',
      headers: {
        ...message.headers,
        'content-length': String(message.body.length),
        prefer: 'reply',
        ...(typeof traceparent === 'string' ? { traceparent } : {}),
      },
      body: message.body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    return { ok: false, retryable: true, reason: describeError(err, timeoutMs) };
  }
  const { statusCode: status, headers } = response;
  const verdict = verdictOf(status);
  const wantsReply =
    status === 200 &&
    (headers['ce-specversion'] !== undefined ||
      String(headers['content-type'] ?? '').startsWith('application/cloudevents'));
  let body: Buffer;
  try {
    body = await readAtMost(response.body, wantsReply ? maxReplyBytes : ERROR_BODY_BYTES);
  } catch (err) {
    return { ok: false, retryable: true, status, reason: describeError(err, timeoutMs) };
  }
  if (verdict !== 'delivered') {
    const text = body.toString('utf8');
    return {
      ok: false,
      retryable: verdict === 'retry',
      status,
      reason: `the subscriber answered ${status}${text ? `: ${oneLine(text, 300)}` : ''}`,
      body: text,
    };
  }
  if (!wantsReply) return { ok: true, status };
  if (body.length > maxReplyBytes) {
    return {
      ok: false,
      retryable: false,
      status,
      reason: `the reply is larger than ${maxReplyBytes} bytes`,
    };
  }
  try {
    const events = readEvents(headers as Record<string, string | string[] | undefined>, body);
    if (events.length !== 1) throw new CodecError(400, 'a reply is one event, not a batch');
    return { ok: true, status, reply: events[0]! };
  } catch (err) {
    return {
      ok: false,
      retryable: false,
      status,
      reason: `the subscriber's reply is not a valid CloudEvent: ${(err as Error).message}`,
    };
  }
}

const pathOf = (url: string) => {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
};

/**
 * Reads up to `limit` bytes (and one more, to tell "exactly at the limit" from "over it"), then
 * drops the rest so the connection goes back to the pool.
 */
async function readAtMost(body: Dispatcher.ResponseData['body'], limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = chunk as Buffer;
    chunks.push(buffer);
    size += buffer.length;
    if (size > limit) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, limit + 1);
}

const oneLine = (text: string, max: number) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
};

function describeError(err: unknown, timeoutMs: number): string {
  const error = err as Error & { code?: string; cause?: Error & { code?: string } };
  if (error.name === 'TimeoutError' || error.name === 'AbortError') {
    return `no answer within ${timeoutMs} ms`;
  }
  const code = error.code ?? error.cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'connection reset';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `host not found (${code})`;
  return `${error.message || String(err)}${code ? ` (${code})` : ''}`;
}
