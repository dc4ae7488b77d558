import type { ServerResponse } from 'node:http';
import { HttpError, type Route } from '../../shared/http/index';
import { ASSET_PREFIX, type AssetTable } from './assets';
import { SECURITY_HEADERS } from './headers';

export interface ConsoleDeps {
  assets: AssetTable;
  /** The HTML shell (built once: it depends only on the asset names). */
  page: string;
}

function send(res: ServerResponse, body: Buffer, headers: Record<string, string>): void {
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    ...headers,
    'content-length': String(body.length),
  });
  res.end(body);
}

/**
 * `GET /` (the page, for browsers: the edge sends requests that accept text/html here) and
 * `GET /console/{file}` (its assets). Asset names carry a content hash, so they are cached for a
 * year; the page is revalidated on every load, so a new build is picked up at once.
 */
export function consoleRoutes({ assets, page }: ConsoleDeps): Route[] {
  const html = Buffer.from(page, 'utf8');
  return [
    {
      method: 'GET',
      path: '/',
      handler({ res }) {
        send(res, html, {
          'content-type': 'text/html; charset=utf-8',
          'cache-control': 'no-cache',
          // `/` is the page or the welcome text, by Accept (the edge routes on it).
          vary: 'Accept',
        });
      },
    },
    {
      method: 'GET',
      path: `${ASSET_PREFIX}:file`,
      handler({ res, params }) {
        const asset = assets.get(params.file!);
        if (!asset) throw new HttpError(404, `no console asset ${JSON.stringify(params.file)}`);
        send(res, asset.body, {
          'content-type': asset.type,
          'cache-control': 'public, max-age=31536000, immutable',
        });
      },
    },
  ];
}
