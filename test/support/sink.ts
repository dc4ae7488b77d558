import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CloudEvent } from 'cloudevents';
import { eventsFromHttp } from '../../shared/events/index';

export interface EventSink {
  url: string;
  /** Every event accepted so far (batches flattened), in arrival order. */
  events: CloudEvent<unknown>[];
  /** The status the sink answers with next (202 by default). */
  status: number;
  close(): Promise<void>;
}

/** A real HTTP CloudEvents receiver standing in for the broker ingress in function tests. */
export async function startEventSink(): Promise<EventSink> {
  const sink: EventSink = { url: '', events: [], status: 202, close: async () => {} };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (sink.status >= 300) {
        res
          .writeHead(sink.status, { 'content-type': 'application/problem+json' })
          .end('{"detail":"refused by the test sink"}');
        return;
      }
      try {
        sink.events.push(...eventsFromHttp(req.headers, Buffer.concat(chunks)));
        res.writeHead(sink.status).end();
      } catch (err) {
        res.writeHead(400).end(String(err));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  sink.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  sink.close = () => {
    server.closeAllConnections();
    return new Promise((r) => server.close(() => r()));
  };
  return sink;
}
