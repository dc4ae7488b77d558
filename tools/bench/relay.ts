/**
 * The broker benchmark's floor: "two HTTP hops, no Redis". A process that accepts the same POSTs
 * as the broker's ingress (binary mode or a batch), answers 202 and forwards each event to one
 * subscriber in binary mode with undici, at most `--concurrency` forwards at a time — what any
 * broker pays for HTTP in and HTTP out, with nothing stored, validated or retried.
 *
 * With `--redis <url>` the events go through Redis Streams on their way, as the broker's do
 * (relay-streams.ts): the same two hops plus the broker's Redis work, and nothing else.
 *
 * Bundled like the functions (baselines.ts), then
 * `node index.cjs --port <port> --target <url> --concurrency <n> [--redis <url> [--stream <key>]]`;
 * any GET answers 200.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { StreamsHop, type Forward } from './relay-streams';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    target: { type: 'string' },
    concurrency: { type: 'string', default: '32' },
    redis: { type: 'string' },
    stream: { type: 'string', default: 'bench:relay' },
  },
});
const target = new URL(values.target!);
const concurrency = Number(values.concurrency);
const pool = new Pool(target.origin, { connections: concurrency });

const queue: Forward[] = [];
let inFlight = 0;

let hop: StreamsHop | undefined;

function drain(): void {
  while (inFlight < concurrency && queue.length > 0) {
    const { headers, body, id } = queue.shift()!;
    inFlight += 1;
    pool
      .request({ path: target.pathname, method: 'POST', headers, body })
      .then((res) => res.body.dump())
      .catch((err: unknown) => console.error(err))
      .finally(() => {
        inFlight -= 1;
        if (id !== undefined) hop?.answered(id);
        drain();
      });
  }
}

/** A batch's events in binary mode: attributes as ce-* headers, `data` as the body. */
function fromBatch(body: Buffer): Forward[] {
  const events = JSON.parse(body.toString('utf8')) as Record<string, unknown>[];
  return events.map(({ data, datacontenttype, ...attributes }) => {
    const headers: Record<string, string> = { 'content-type': String(datacontenttype) };
    for (const [name, value] of Object.entries(attributes)) headers[`ce-${name}`] = String(value);
    return { headers, body: JSON.stringify(data) };
  });
}

function fromBinary(req: IncomingMessage, body: Buffer): Forward {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (name.startsWith('ce-') || name === 'content-type') headers[name] = String(value);
  }
  return { headers, body };
}

const server = createServer((req, res) => {
  if (req.method !== 'POST') {
    res.writeHead(200).end('ok\n'); // GET /readyz
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const batch = req.headers['content-type'] === 'application/cloudevents-batch+json';
    const forwards = batch ? fromBatch(body) : [fromBinary(req, body)];
    if (!hop) {
      queue.push(...forwards);
      res.writeHead(202, { 'content-length': '0' }).end();
      drain();
      return;
    }
    hop.append(forwards).then(
      () => res.writeHead(202, { 'content-length': '0' }).end(),
      (err: unknown) => {
        console.error(err);
        res.writeHead(503, { 'content-length': '0' }).end();
      },
    );
  });
});
async function start(): Promise<void> {
  if (values.redis) {
    hop = await StreamsHop.open(values.redis, values.stream, concurrency, (forwards) => {
      queue.push(...forwards);
      drain();
    });
  }
  server.listen(Number(values.port), '127.0.0.1');
}
void start();
process.once('SIGTERM', () => {
  server.close();
  void Promise.all([pool.close(), hop?.close()]).then(() => process.exit(0));
});
