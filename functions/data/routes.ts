import type { Db } from 'mongodb';
import { sourceListQuery, type SourcePage, type SourceView } from '../../shared/api/index';
import { EventType, entityId } from '../../shared/events/catalogue';
import type { Emit } from '../../shared/events/emit';
import type { Database } from '../../shared/runtime/context';
import { HttpError, validate, type Route, type RouteContext } from '../../shared/http/index';
import { urlFromBody, textFromBody } from './body';
import {
  findSource,
  listSources,
  markUnqueued,
  registerUrl,
  requestEventId,
  toView,
  type Registration,
} from './sources';
import { addText } from './text';

export interface DataDeps {
  db: Database;
  emit: Emit;
  /** Validates and normalizes a user URL; throws with a reason fit for a 400. */
  normalizeUrl(input: string): string;
  /** Counts one write for the request's client; throws a 429 HttpError past the limit. */
  rateLimit(ctx: RouteContext): Promise<void>;
}

const SOURCE = '/multivac/data';

function json(
  ctx: RouteContext,
  status: number,
  body: SourceView | SourcePage,
  headers: Record<string, string> = {},
): void {
  ctx.res.writeHead(status, {
    'content-type': 'application/json',
    'cache-control': 'no-store',
    ...headers,
  });
  ctx.res.end(JSON.stringify(body));
}

/** `/multivac/data` and `/multivac/data/{id}`. */
export function dataRoutes({ db, emit, normalizeUrl, rateLimit }: DataDeps): Route[] {
  const publish = async (database: Db, registration: Registration, ctx: RouteContext) => {
    const { source } = registration;
    try {
      // The CloudEvents SDK on the first PUT (or the warm-up's emitter), not at every cold start.
      const { makeEvent } = await import('../../shared/events/make');
      await emit(
        makeEvent(
          EventType.SourceRequested,
          { sourceId: source._id, url: source.url },
          { source: SOURCE, id: requestEventId(source) },
        ),
      );
    } catch (err) {
      ctx.log.error({ err, sourceId: source._id }, 'source.requested could not be published');
      await markUnqueued(
        database,
        source._id,
        'the request could not be queued; PUT the URL again',
      );
      throw new HttpError(503, 'the page could not be queued for fetching; try again shortly', {
        'retry-after': '5',
      });
    }
  };

  return [
    {
      method: 'PUT',
      path: '/multivac/data',
      async handler(ctx) {
        await rateLimit(ctx);
        const raw = urlFromBody(ctx.req);
        let url: string;
        try {
          url = normalizeUrl(raw);
        } catch (err) {
          throw new HttpError(400, `invalid url: ${(err as Error).message}`);
        }
        const database = await db();
        const registration = await registerUrl(database, url);
        if (registration.outcome !== 'known') await publish(database, registration, ctx);
        const { source } = registration;
        ctx.log.info({ sourceId: source._id, outcome: registration.outcome }, 'source registered');
        json(ctx, registration.outcome === 'known' ? 200 : 202, toView(source), {
          location: `/multivac/data/${source._id}`,
        });
      },
    },
    {
      method: 'POST',
      path: '/multivac/data',
      async handler(ctx) {
        await rateLimit(ctx);
        const text = textFromBody(ctx.req);
        const { created, source } = await addText(await db(), text);
        json(ctx, created ? 202 : 200, toView(source), {
          location: `/multivac/data/${source._id}`,
        });
      },
    },
    {
      method: 'GET',
      path: '/multivac/data',
      async handler(ctx) {
        const params = Object.fromEntries(new URL(ctx.req.url ?? '/', 'http://x').searchParams);
        const query = validate(sourceListQuery, params, 'query');
        const page = await listSources(await db.forReads(), query);
        json(ctx, 200, {
          items: page.items,
          next: page.next === null ? null : Buffer.from(page.next).toString('base64url'),
        });
      },
    },
    {
      method: 'GET',
      path: '/multivac/data/:id',
      async handler(ctx) {
        const id = ctx.params.id!;
        const source = entityId.safeParse(id).success
          ? await findSource(await db.forReads(), id)
          : null;
        if (!source) throw new HttpError(404, `no source ${JSON.stringify(id)}`);
        json(ctx, 200, toView(source));
      },
    },
  ];
}
