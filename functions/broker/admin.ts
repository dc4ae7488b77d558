import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Redis } from 'ioredis';
import * as z from '../../shared/zod/index';
import { HttpError, createRouter, requireMediaType, validate } from '../../shared/http/index';
import type { Logger } from '../../shared/log/index';
import { BodyTooLargeError, readBody } from '../../shared/runtime/body';
import type { BrokerKeys } from './keys';
import type { BrokerMetrics } from './metrics';
import { StreamLostError } from './publish';
import {
  DEAD_LETTER_ID,
  getDeadLetter,
  listDeadLetters,
  redriveOne,
  refOf,
  type DeadLetterRef,
} from './redrive';
import { brokerStats } from './stats';
import type { Trigger } from './triggers';

export interface AdminOptions {
  redis: () => Promise<Redis>;
  keys: BrokerKeys;
  triggers: readonly Trigger[];
  /** Triggers the broker served before and the table no longer has (their keys remain). */
  retired: readonly string[];
  log: Logger;
  metrics: BrokerMetrics;
}

const deadLetterId = z
  .string()
  .check(z.regex(DEAD_LETTER_ID, 'must be a dead letter id like my-trigger:1700000000000-0'));
const triggerName = z
  .string()
  .check(z.regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'must be a trigger name'));

const listQuery = z.object({
  trigger: z.optional(triggerName),
  after: z.optional(deadLetterId),
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(1000)), 100),
});

const redriveBody = z.strictObject({
  /** Dead letters to re-drive; absent: all (of `trigger`, when given). */
  ids: z.optional(z.array(deadLetterId).check(z.minLength(1), z.maxLength(10_000))),
  trigger: z.optional(triggerName),
});

export interface RedriveReport {
  /** Re-driven: dead letter id → its new entry id in the stream. */
  readonly redriven: { id: string; trigger: string; entry: string }[];
  /** Left as they are, with why. */
  readonly skipped: { id: string; reason: string }[];
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  const text = JSON.stringify(body);
  res
    .writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      'cache-control': 'no-store',
    })
    .end(text);
};

/**
 * The admin API, on its own port and never routed publicly:
 * - `GET /deadletters?trigger=&after=&limit=` lists dead letters (`{items, next}`);
 * - `GET /deadletters/{id}` shows one;
 * - `POST /deadletters/redrive` with `{"ids": [...]}`, `{"trigger": "..."}` or `{}` (all) moves
 *   dead letters back into the stream of the trigger that dead-lettered them;
 * - `GET /stats`: entries and dead letters in all, and per trigger its stream, length, dead
 *   letters, pending, lag and consumers.
 *
 * A dead letter's id is `<trigger>:<stream id>`, since every trigger has its own dead letters.
 */
export function createAdmin(options: AdminOptions) {
  const { keys, triggers, retired, log, metrics } = options;
  const known = new Map(triggers.map((t) => [t.name, t]));
  const everyTrigger = [...known.keys(), ...retired];
  const listed = (trigger?: string) => (trigger !== undefined ? [trigger] : everyTrigger);

  const redrive = async (redis: Redis, ref: DeadLetterRef, only?: string) => {
    if (only !== undefined && ref.trigger !== only) {
      return { skipped: `it belongs to trigger ${ref.trigger}` };
    }
    const letter = await getDeadLetter(redis, keys, ref);
    if (!letter) return { skipped: 'no such dead letter' };
    if (!known.has(ref.trigger)) {
      return { skipped: `trigger ${ref.trigger} is not in the trigger table` };
    }
    if (letter.event === null) return { skipped: 'it holds no readable event' };
    try {
      const entry = await redriveOne(redis, keys, ref);
      return entry === null ? { skipped: 'no such dead letter' } : { entry, trigger: ref.trigger };
    } catch (err) {
      if (!(err instanceof StreamLostError)) throw err;
      return { skipped: `${err.message}; try again once the broker is ready` };
    }
  };

  return createRouter<IncomingMessage, ServerResponse>(
    [
      {
        method: 'GET',
        path: '/healthz',
        handler: ({ res }) => void res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n'),
      },
      {
        method: 'GET',
        path: '/deadletters',
        handler: async ({ req, res }) => {
          const query = validate(
            listQuery,
            Object.fromEntries(new URL(req.url ?? '/', 'http://admin').searchParams),
            'query',
          );
          const page = await listDeadLetters(await options.redis(), keys, listed(query.trigger), {
            limit: query.limit,
            ...(query.after ? { after: refOf(query.after) } : {}),
          });
          json(res, 200, page);
        },
      },
      {
        method: 'GET',
        path: '/deadletters/:id',
        handler: async ({ res, params }) => {
          const id = validate(deadLetterId, params.id, 'dead letter id');
          const letter = await getDeadLetter(await options.redis(), keys, refOf(id));
          if (!letter) throw new HttpError(404, `no dead letter ${id}`);
          json(res, 200, letter);
        },
      },
      {
        method: 'POST',
        path: '/deadletters/redrive',
        handler: async ({ req, res, log: reqLog }) => {
          const body = validate(redriveBody, await readJson(req), 'body');
          const redis = await options.redis();
          const report: RedriveReport = { redriven: [], skipped: [] };
          const record = (id: string, outcome: Awaited<ReturnType<typeof redrive>>) => {
            if ('entry' in outcome && outcome.entry !== undefined)
              report.redriven.push({ id, trigger: outcome.trigger, entry: outcome.entry });
            else report.skipped.push({ id, reason: outcome.skipped ?? 'unknown' });
          };
          if (body.ids) {
            for (const id of body.ids) record(id, await redrive(redis, refOf(id), body.trigger));
          } else {
            let after: DeadLetterRef | undefined;
            do {
              const page = await listDeadLetters(redis, keys, listed(body.trigger), {
                limit: 500,
                ...(after ? { after } : {}),
              });
              for (const letter of page.items)
                record(letter.id, await redrive(redis, refOf(letter.id)));
              after = page.next ? refOf(page.next) : undefined;
            } while (after);
          }
          reqLog.info(
            { redriven: report.redriven.length, skipped: report.skipped.length },
            'dead letters re-driven',
          );
          json(res, 200, report);
        },
      },
      {
        method: 'GET',
        path: '/stats',
        handler: async ({ res }) => {
          json(res, 200, await brokerStats(await options.redis(), keys, triggers, retired));
        },
      },
    ],
    { log, metrics: metrics.base },
  );
}

/** The request body as JSON; an empty body is `{}`. */
async function readJson(req: IncomingMessage): Promise<unknown> {
  let raw: Buffer;
  try {
    raw = await readBody(req, 1024 * 1024);
  } catch (err) {
    if (err instanceof BodyTooLargeError) throw new HttpError(413, err.message);
    throw err;
  }
  if (raw.length === 0) return {};
  requireMediaType(req, ['application/json']);
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new HttpError(400, 'the body is not valid JSON');
  }
}
