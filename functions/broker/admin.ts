import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Redis } from 'ioredis';
import * as z from 'zod';
import { HttpError, createRouter, requireMediaType, validate } from '../../shared/http/index';
import type { Logger } from '../../shared/log/index';
import { BodyTooLargeError, readBody } from '../../shared/runtime/body';
import { getDeadLetter, listDeadLetters, redriveOne } from './deadletters';
import type { BrokerKeys } from './keys';
import { snapshot } from './maintenance';
import type { BrokerMetrics } from './metrics';
import type { Trigger } from './triggers';

export interface AdminOptions {
  redis: () => Promise<Redis>;
  keys: BrokerKeys;
  triggers: readonly Trigger[];
  log: Logger;
  metrics: BrokerMetrics;
}

const ENTRY_ID = /^\d+-\d+$/;
const entryId = z.string().regex(ENTRY_ID, 'must be a stream entry id like 1700000000000-0');

const listQuery = z.object({
  trigger: z.string().min(1).optional(),
  after: entryId.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

const redriveBody = z.strictObject({
  /** Dead letters to re-drive; absent: all (of `trigger`, when given). */
  ids: z.array(entryId).min(1).max(10_000).optional(),
  trigger: z.string().min(1).optional(),
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
 *   dead letters back into the stream, each addressed to the trigger that dead-lettered it;
 * - `GET /stats`: stream length, dead letters, and per trigger pending, lag and consumers.
 */
export function createAdmin(options: AdminOptions) {
  const { keys, triggers, log, metrics } = options;
  const known = new Map(triggers.map((t) => [t.name, t]));

  const redrive = async (redis: Redis, id: string, only?: string) => {
    const letter = await getDeadLetter(redis, keys, id);
    if (!letter) return { skipped: 'no such dead letter' };
    if (only !== undefined && letter.trigger !== only) {
      return { skipped: `it belongs to trigger ${letter.trigger}` };
    }
    if (!known.has(letter.trigger)) {
      return { skipped: `trigger ${letter.trigger} is not in the trigger table` };
    }
    if (letter.event === null) return { skipped: 'it holds no readable event' };
    const entry = await redriveOne(redis, keys, id);
    return entry === null ? { skipped: 'no such dead letter' } : { entry, trigger: letter.trigger };
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
          json(res, 200, await listDeadLetters(await options.redis(), keys, query));
        },
      },
      {
        method: 'GET',
        path: '/deadletters/:id',
        handler: async ({ res, params }) => {
          const id = validate(entryId, params.id, 'dead letter id');
          const letter = await getDeadLetter(await options.redis(), keys, id);
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
            for (const id of body.ids) record(id, await redrive(redis, id, body.trigger));
          } else {
            let after: string | undefined;
            do {
              const page = await listDeadLetters(redis, keys, {
                limit: 500,
                ...(body.trigger ? { trigger: body.trigger } : {}),
                ...(after ? { after } : {}),
              });
              for (const letter of page.items) record(letter.id, await redrive(redis, letter.id));
              after = page.next;
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
          const state = await snapshot(await options.redis(), keys);
          const groups = new Map(state.groups.map((g) => [g.name, g]));
          json(res, 200, {
            stream: keys.stream,
            length: state.length,
            deadLetters: state.deadLetters,
            triggers: triggers.map((t) => {
              const group = groups.get(t.name);
              return {
                name: t.name,
                subscriber: t.subscriber,
                filter: t.filter,
                pending: group?.pending ?? null,
                lag: group?.lag ?? null,
                consumers: group?.consumers ?? 0,
                lastDeliveredId: group?.lastDeliveredId ?? null,
              };
            }),
            otherGroups: state.groups.filter((g) => !known.has(g.name)).map((g) => g.name),
          });
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
