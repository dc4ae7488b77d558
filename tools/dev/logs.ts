import type { Readable } from 'node:stream';
import { createInterface } from 'node:readline';

const COLORS = [36, 35, 33, 32, 34, 31, 96, 95, 93, 92];
let next = 0;

export type LineSink = (line: string) => void;

/** A prefix like `question | ` (coloured on a terminal) so interleaved logs stay readable. */
export function prefixer(
  name: string,
  width = 10,
  color = process.stdout.isTTY,
): (line: string) => string {
  const code = COLORS[next++ % COLORS.length];
  const label = name.padEnd(width);
  return color ? (line) => `\x1b[${code}m${label}|\x1b[0m ${line}` : (line) => `${label}| ${line}`;
}

/** Writes every line of `stream` to `sink` with the function's prefix. */
export function pipeLines(stream: Readable | null, name: string, sink: LineSink): void {
  if (!stream) return;
  const prefix = prefixer(name);
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => sink(prefix(line)));
}
