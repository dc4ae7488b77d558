import type { Command } from 'commander';
import { detailOf, type Api } from '../api';
import type { Cli } from '../context';
import { CliError, ExitCode } from '../errors';
import { say } from '../terminal';
import { readUrlList } from '../url-list';
import { sourceView } from '../views';

type Outcome = 'accepted' | 'known' | 'refused';

const stateOf = (text: string) => {
  try {
    return sourceView.parse(JSON.parse(text)).state;
  } catch {
    return undefined;
  }
};

/** What MultiVAC said to one URL, as one line of output. */
interface Fed {
  outcome: Outcome;
  line: string;
}

/**
 * `PUT /multivac/data` of one URL. 202: accepted (new, fed again after a failure, or already on
 * its way); 200: already known (acquired); another 4xx: refused, with MultiVAC's reason. A 429 or
 * 503 has been waited out by the client as `Retry-After` asks; one that persists, or a 5xx, stops
 * the feed.
 */
async function feedOne(api: Api, url: string): Promise<Fed> {
  const res = await api.send('PUT', '/multivac/data', {
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ url }),
  });
  if (res.status === 200) return { outcome: 'known', line: `known     ${url} (already learned)` };
  if (res.status === 202) {
    const note = stateOf(res.text) === 'fetching' ? ' (being fetched already)' : '';
    return { outcome: 'accepted', line: `accepted  ${url}${note}` };
  }
  if (res.status === 429)
    throw new CliError(ExitCode.refused, `still rate-limited at ${url}: ${detailOf(res)}`);
  if (res.status >= 400 && res.status < 500)
    return { outcome: 'refused', line: `refused   ${url}: ${res.status} ${detailOf(res)}` };
  throw new CliError(
    ExitCode.unreachable,
    `MultiVAC is unavailable: ${url} got ${res.status} ${detailOf(res)}`,
  );
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** `multivac feed <url…> [--file urls.txt]`. */
export function addFeed(program: Command, cli: Cli): void {
  program
    .command('feed')
    .description('give MultiVAC pages to learn from; reports each URL (exit 4 if one is refused)')
    .argument('[urls...]', 'page addresses (http or https)')
    .option('-f, --file <path>', 'also the URLs of this file, one a line (- for standard input)')
    .action(async (args: string[], options: { file?: string }, command: Command) => {
      const urls = [
        ...new Set([
          ...args,
          ...(options.file ? await readUrlList(options.file, cli.terminal.stdin) : []),
        ]),
      ];
      if (urls.length === 0)
        throw new CliError(ExitCode.usage, 'feed: give URLs, or --file with one URL a line');
      const api = cli.multivac(command);
      const counts: Record<Outcome, number> = { accepted: 0, known: 0, refused: 0 };
      for (const url of urls) {
        const fed = await feedOne(api, url);
        counts[fed.outcome]++;
        say(cli.terminal, fed.line);
      }
      say(
        cli.terminal,
        `${plural(urls.length, 'URL')}: ${counts.accepted} accepted, ${counts.known} already known, ${counts.refused} refused`,
      );
      if (counts.accepted > 0) say(cli.terminal, 'next: multivac learn --wait');
      cli.exit(counts.refused > 0 ? ExitCode.refused : ExitCode.ok);
    });
}
