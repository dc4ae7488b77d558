import type { IncomingMessage, ServerResponse } from 'node:http';

/** How long a connection answered before its request body was read keeps dropping what arrives. */
export const LINGER_MS = 2000;

/**
 * Lets `res`, sent with `Connection: close` before its request body was read (a `413`), close its
 * connection without a reset. Node's server closes such a connection as soon as the answer is
 * written; with unread bytes in the socket the kernel then sends a reset, and a peer still
 * uploading (a client, a proxy) fails its next write and never reads the answer: a proxy reports
 * `502`, a client a broken connection. So the connection ends like nginx's lingering close and
 * Go's `closeWriteAndWait`: the answer, then end-of-stream, then whatever the peer still sends is
 * read and dropped until it closes its side or `ms` pass.
 */
export function lingerAfterAnswer(res: ServerResponse, ms = LINGER_MS): void {
  const socket = res.socket;
  if (!socket) return;
  // Node's server calls destroySoon() once a `Connection: close` answer is written; the request
  // stream is resumed by then, so arriving bytes are parsed as its body and dropped.
  socket.destroySoon = () => {
    socket.end();
    const timer = setTimeout(() => socket.destroy(), ms);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  };
}

/**
 * `headers` for an answer to `req`: with its body still unread (not worth reading now), plus
 * `Connection: close`, and the close made a lingering one; a request read to its end keeps its
 * connection.
 */
export function closingIfUnread(
  req: IncomingMessage,
  res: ServerResponse,
  headers: Record<string, string> = {},
): Record<string, string> {
  if (req.complete) return headers;
  lingerAfterAnswer(res);
  return { ...headers, connection: 'close' };
}
