import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CliError, ExitCode } from './errors';
import { parseUrlList, readUrlList } from './url-list';

describe('parseUrlList', () => {
  it('takes one URL a line, skipping blanks and comments, each once', () => {
    const text =
      '# pages\nhttp://a.test/1\r\n\n  http://a.test/2  \n# http://a.test/3\nhttp://a.test/1\n';
    expect(parseUrlList(text)).toEqual(['http://a.test/1', 'http://a.test/2']);
  });
});

describe('readUrlList', () => {
  it('reads a file, or standard input for -', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'multivac-cli-'));
    try {
      await writeFile(join(dir, 'urls.txt'), 'http://a.test/1\nhttp://a.test/2\n');
      expect(await readUrlList(join(dir, 'urls.txt'), Readable.from([]))).toEqual([
        'http://a.test/1',
        'http://a.test/2',
      ]);
      expect(await readUrlList('-', Readable.from([Buffer.from('http://a.test/3\n')]))).toEqual([
        'http://a.test/3',
      ]);
      const missing = await readUrlList(join(dir, 'nope.txt'), Readable.from([])).catch(
        (err: unknown) => err,
      );
      expect(missing).toBeInstanceOf(CliError);
      expect((missing as CliError).exitCode).toBe(ExitCode.usage);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
