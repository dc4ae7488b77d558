import type { IncomingMessage } from 'node:http';

/**
 * The address a rate limit should count: the entry of X-Forwarded-For that the closest trusted
 * proxy appended (`hops` from the right), never the left-most entry, which any client can forge.
 * With no trusted proxy (or no header), the socket's peer.
 */
export function clientAddress(req: IncomingMessage, hops: number): string {
  const header = req.headers['x-forwarded-for'];
  const entries = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  if (hops > 0 && entries.length >= hops) return entries[entries.length - hops]!;
  return req.socket?.remoteAddress ?? 'unknown';
}
