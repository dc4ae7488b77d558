import { readFile } from 'node:fs/promises';
import { CliError, ExitCode } from './errors';

/**
 * The URLs of a list: one a line, surrounding whitespace trimmed, blank lines and `#` comments
 * skipped, each URL once (in its first place).
 */
export function parseUrlList(text: string): string[] {
  const urls = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  return [...new Set(urls)];
}

/** Reads a URL list from `path` (`-`: standard input); unreadable → exit 2. */
export async function readUrlList(path: string, stdin: NodeJS.ReadableStream): Promise<string[]> {
  try {
    if (path !== '-') return parseUrlList(await readFile(path, 'utf8'));
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(Buffer.from(chunk as Buffer));
    return parseUrlList(Buffer.concat(chunks).toString('utf8'));
  } catch (err) {
    throw new CliError(ExitCode.usage, `--file ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}
