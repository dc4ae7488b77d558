/**
 * Test helpers for servers that answer before a body is read. Never imported by function code.
 */
import { connect } from 'node:net';

/** What an uploader sees of an answer given while it was still sending its body. */
export interface EarlyAnswer {
  /** The first bytes of the answer (its head, and a short body with it). */
  answer: string;
  /** The connection's error, if any: a reset that would have lost the answer. */
  error?: string;
  /** Whether the server ended the connection (a lingering close does). */
  ended: boolean;
}

/**
 * Sends `request` on a raw connection to `url`'s host and port and, once the answer begins, writes
 * `more` twice more (30 and 60 ms later, as a slow uploader would): the answer, then whether those
 * writes are taken (a lingering close) or fail (a reset).
 */
export function uploadPastAnswer(url: string, request: string, more: string): Promise<EarlyAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    let answer = '';
    let error: string | undefined;
    let ended = false;
    socket.on('error', (err: NodeJS.ErrnoException) => (error = err.code ?? err.message));
    socket.on('end', () => (ended = true));
    socket.once('data', (data: Buffer) => {
      answer = data.toString('latin1');
      setTimeout(() => socket.write(more), 30);
      setTimeout(() => socket.write(more), 60);
      setTimeout(() => {
        socket.destroy();
        resolve({ answer, ...(error ? { error } : {}), ended });
      }, 150);
    });
    socket.write(request);
  });
}
