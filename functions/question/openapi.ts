import { nodeCrypto } from '../../shared/runtime/node-crypto';
// The committed document, inlined by esbuild: the bundle carries the JSON, not its generator.
import document from '../../docs/api/openapi.json' with { type: 'json' };
import type { Route } from '../../shared/http/index';
import { matchesIfNoneMatch } from './etag';

let served: { body: string; etag: string } | undefined;

/** Serialized and hashed once, on first use, not at every cold start. */
function representation() {
  if (!served) {
    const body = JSON.stringify(document);
    const digest = nodeCrypto().createHash('sha256').update(body).digest('base64url').slice(0, 22);
    served = { body, etag: `"oas-${digest}"` };
  }
  return served;
}

/**
 * `GET /multivac/openapi.json`: the OpenAPI 3.1 document of the public API (`npm run api`
 * generates it). It changes only with a deploy, so it may be cached briefly and revalidated by ETag.
 */
export const openApiRoute: Route = {
  method: 'GET',
  path: '/multivac/openapi.json',
  handler({ req, res }) {
    const { body, etag } = representation();
    const headers = { etag, 'cache-control': 'public, max-age=300' };
    if (matchesIfNoneMatch(req.headers['if-none-match'], etag)) {
      res.writeHead(304, headers).end();
      return;
    }
    res.writeHead(200, {
      ...headers,
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  },
};
