import { Writable } from 'node:stream';
import type { Server } from 'node:http';
import { createLogger } from '../../shared/log/index';
import { createFunctionServer, listen, type Signature } from '../../shared/runtime/index';

export interface RunningTestFunction {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves a function registered with the Functions Framework in this test file exactly as its
 * container does (the framework's server behind MultiVAC's guards), on a free loopback port.
 */
export async function serveFunction(
  target: string,
  signature: Signature,
  bodyLimit = 1024 * 1024,
): Promise<RunningTestFunction> {
  const log = createLogger({
    service: target,
    level: 'silent',
    destination: new Writable({ write: (_c, _e, d) => d() }),
  });
  const server: Server = createFunctionServer({ target, signature, bodyLimit, log });
  const port = await listen(server, 0, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
}
