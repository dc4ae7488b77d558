import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { generatedHtml, isGeneratedRelevant } from './generated';
import { CORPUS, type CharsetDeclaration, type CorpusCharset } from './manifest';
import { contentType, encodePage } from './source';

/** A corpus page as served. */
export interface ServedPage {
  /** Path on the server, e.g. `/pages/second-law.html`. */
  readonly path: string;
  /** Absolute URL. */
  readonly url: string;
  readonly title: string;
  readonly relevant: boolean;
  readonly charset: CorpusCharset;
  readonly declared: CharsetDeclaration;
  /** The `Content-Type` header sent. */
  readonly contentType: string;
}

export interface CorpusServer {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  readonly baseUrl: string;
  /** Every corpus page, in manifest order. */
  readonly pages: readonly ServedPage[];
  /** Requests received so far for `path` (pathname plus query, as requested). */
  hits(path: string): number;
  /** Closes the server and every open connection. */
  stop(): Promise<void>;
}

export interface CorpusServerOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0: a free port. */
  readonly port?: number;
}

/** Longest delay `/slow` and `/trickle` accept, so a typo cannot hang a test run. */
const MAX_DELAY_MS = 60_000;
/** Largest body `/large` produces. */
const MAX_LARGE_BYTES = 64 * 1024 * 1024;
const MAX_REDIRECT_CHAIN = 20;

const pagesByPath = new Map(CORPUS.map((entry) => [`/pages/${entry.file}`, entry]));

/** Encoded once per process: the corpus is static. */
const encoded = new Map<string, Buffer>();

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

const text = (status: number, body: string, type = 'text/plain; charset=utf-8'): Reply => ({
  status,
  headers: { 'content-type': type },
  body: Buffer.from(body, 'utf8'),
});

/** The reply for a page path (`/pages/…`, `/generated/<n>.html`), or undefined. */
function pageReply(pathname: string): Reply | undefined {
  const entry = pagesByPath.get(pathname);
  if (entry !== undefined) {
    let body = encoded.get(entry.file);
    if (body === undefined) {
      body = encodePage(entry);
      encoded.set(entry.file, body);
    }
    return { status: 200, headers: { 'content-type': contentType(entry) }, body };
  }
  const generated = /^\/generated\/(\d{1,9})\.html$/.exec(pathname);
  if (generated !== null) {
    const n = Number(generated[1]);
    return {
      status: 200,
      headers: {
        'content-type': 'text/html; charset=utf-8',
        'x-corpus-relevant': String(isGeneratedRelevant(n)),
      },
      body: Buffer.from(generatedHtml(n), 'utf8'),
    };
  }
  return undefined;
}

function notFound(pathname: string): Reply {
  return text(
    404,
    `<!DOCTYPE html><html><head><title>Not found</title></head><body><h1>404</h1><p>No page at ${pathname.replace(/[<&>"]/g, '')}.</p></body></html>`,
    'text/html; charset=utf-8',
  );
}

/** Large HTML filler of exactly `bytes` bytes (ASCII). */
function largeHtml(bytes: number): Buffer {
  const head = '<!DOCTYPE html><html><head><title>Large page</title></head><body>';
  const tail = '</body></html>';
  const filler = '<p>Filler text for byte limits.</p>\n';
  const room = Math.max(0, bytes - head.length - tail.length);
  const body = filler.repeat(Math.ceil(room / filler.length)).slice(0, room);
  return Buffer.from(`${head}${body}${tail}`.slice(0, bytes), 'ascii');
}

/** A tiny valid PNG (1×1), for "unsupported content type" tests. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

function indexHtml(): string {
  const links = CORPUS.map(
    (e) => `<li><a href="/pages/${e.file}">${e.title.replace(/[<&>]/g, '')}</a></li>`,
  ).join('\n');
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>MultiVAC test corpus</title></head><body><h1>MultiVAC test corpus</h1><ul>\n${links}\n</ul></body></html>`;
}

/**
 * Starts the corpus server on 127.0.0.1 (a free port unless told otherwise). Routes are listed in
 * test/corpus/README.md.
 */
export async function startCorpusServer(options: CorpusServerOptions = {}): Promise<CorpusServer> {
  const host = options.host ?? '127.0.0.1';
  const hits = new Map<string, number>();
  let baseUrl = '';

  const pages = (): ServedPage[] =>
    CORPUS.map((entry) => ({
      path: `/pages/${entry.file}`,
      url: `${baseUrl}/pages/${entry.file}`,
      title: entry.title,
      relevant: entry.relevant,
      charset: entry.charset,
      declared: entry.declared,
      contentType: contentType(entry),
    }));

  async function route(req: IncomingMessage, res: ServerResponse): Promise<Reply | undefined> {
    const url = new URL(req.url ?? '/', 'http://corpus.invalid');
    const { pathname, searchParams } = url;
    const key = `${pathname}${url.search}`;
    const count = (hits.get(key) ?? 0) + 1;
    hits.set(key, count);

    if (pathname === '/') return text(200, indexHtml(), 'text/html; charset=utf-8');
    if (pathname === '/manifest.json') {
      return text(200, JSON.stringify(pages()), 'application/json');
    }
    const page = pageReply(pathname);
    if (page !== undefined) return page;

    if (pathname === '/redirect') {
      const to = searchParams.get('to') ?? '/';
      const status = Number(searchParams.get('status') ?? 302);
      if (![301, 302, 303, 307, 308].includes(status)) return text(400, 'bad status');
      return { status, headers: { location: to }, body: Buffer.alloc(0) };
    }
    const chain = /^\/redirect-chain\/(\d{1,3})$/.exec(pathname);
    if (chain !== null) {
      const left = Math.min(Number(chain[1]), MAX_REDIRECT_CHAIN);
      const to = searchParams.get('to') ?? '/';
      const location = left <= 1 ? to : `/redirect-chain/${left - 1}?to=${encodeURIComponent(to)}`;
      return { status: 302, headers: { location }, body: Buffer.alloc(0) };
    }
    const status = /^\/status\/(\d{3})$/.exec(pathname);
    if (status !== null) {
      const code = Number(status[1]);
      if (code < 200 || code > 599) return text(400, 'bad status');
      const reply = text(code, `status ${code}\n`);
      if (code === 429 || code === 503) reply.headers['retry-after'] = '1';
      return reply;
    }
    const flaky = /^\/flaky\/(\d{1,4})(\/.*)$/.exec(pathname);
    if (flaky !== null) {
      // Counted per exact URL, so tests isolate themselves with a query (?run=<id>).
      if (count <= Number(flaky[1])) {
        return {
          status: 503,
          headers: { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '0' },
          body: Buffer.from('temporarily unavailable\n'),
        };
      }
      return pageReply(flaky[2] as string) ?? notFound(flaky[2] as string);
    }
    const slow = /^\/slow\/(\d{1,6})(\/.*)$/.exec(pathname);
    if (slow !== null) {
      await sleep(Math.min(Number(slow[1]), MAX_DELAY_MS));
      return pageReply(slow[2] as string) ?? notFound(slow[2] as string);
    }
    const trickle = /^\/trickle\/(\d{1,6})(\/.*)$/.exec(pathname);
    if (trickle !== null) {
      const reply = pageReply(trickle[2] as string) ?? notFound(trickle[2] as string);
      const delay = Math.min(Number(trickle[1]), MAX_DELAY_MS);
      res.writeHead(reply.status, reply.headers);
      const parts = 10;
      const size = Math.ceil(reply.body.length / parts);
      for (let i = 0; i < parts && !res.destroyed; i++) {
        res.write(reply.body.subarray(i * size, (i + 1) * size));
        if (i < parts - 1) await sleep(delay);
      }
      res.end();
      return undefined;
    }
    const large = /^\/large\/(\d{1,9})$/.exec(pathname);
    if (large !== null) {
      const bytes = Number(large[1]);
      if (bytes > MAX_LARGE_BYTES) return text(400, 'too large');
      return { status: 200, headers: { 'content-type': 'text/html' }, body: largeHtml(bytes) };
    }
    if (pathname === '/binary') {
      return { status: 200, headers: { 'content-type': 'image/png' }, body: PNG };
    }
    return notFound(pathname);
  }

  const server = createServer((req, res) => {
    route(req, res).then(
      (reply) => {
        if (reply === undefined || res.writableEnded) return;
        res.writeHead(reply.status, {
          ...reply.headers,
          'content-length': String(reply.body.length),
        });
        res.end(req.method === 'HEAD' ? undefined : reply.body);
      },
      (err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(err instanceof Error ? err.message : err));
      },
    );
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const served = pages();

  return {
    baseUrl,
    pages: served,
    hits: (path) => hits.get(path) ?? 0,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
