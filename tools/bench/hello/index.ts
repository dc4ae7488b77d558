/**
 * The benchmarks' baseline function: hello world on the Google Cloud Functions Framework and
 * nothing else — its own server (the framework's Express app), no MultiVAC runtime, config,
 * logging or metrics — bundled and started like a MultiVAC function (tools/build: start-up and
 * V8 code cache), answering every request with HELLO_STATUS, HELLO_HEADERS (JSON) and
 * HELLO_BODY. What the framework costs by itself, on the same Node, in the same run.
 */
import { http } from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';

const status = Number(process.env.HELLO_STATUS ?? 200);
const headers = JSON.parse(process.env.HELLO_HEADERS ?? '{"content-type":"text/plain"}') as Record<
  string,
  string
>;
const body = process.env.HELLO_BODY ?? 'hello';

http('hello', (_req, res) => {
  res.writeHead(status, headers).end(body);
});
getTestServer('hello').listen(Number(process.env.PORT ?? 8080), '127.0.0.1');
