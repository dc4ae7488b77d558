import { Option, type Command } from 'commander';
import type { Api } from '../api';
import type { Cli } from '../context';
import { row } from '../table';
import { say } from '../terminal';
import { SOURCE_STATES, sourcePage, type SourceView } from '../views';

/** Every source (of one state), following `next` page by page. */
async function listSources(api: Api, state?: string): Promise<SourceView[]> {
  const items: SourceView[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ limit: '200' });
    if (state) query.set('state', state);
    if (cursor) query.set('cursor', cursor);
    const page = await api.json(sourcePage, 'GET', `/multivac/data?${query}`);
    items.push(...page.items);
    cursor = page.next;
  } while (cursor);
  return items;
}

const widths = { state: 9, url: 60 } as const;

/** `multivac sources [--state <state>] [--json]`. */
export function addSources(program: Command, cli: Cli): void {
  program
    .command('sources')
    .description('list what MultiVAC was fed: state, URL, title or the reason it failed')
    .addOption(new Option('--state <state>', 'only sources in this state').choices(SOURCE_STATES))
    .option('--json', 'the sources as a JSON array')
    .action(async (options: { state?: string; json?: boolean }, command: Command) => {
      const items = await listSources(cli.multivac(command), options.state);
      if (options.json) {
        say(cli.terminal, JSON.stringify(items, null, 2));
        return;
      }
      if (items.length === 0) {
        say(cli.terminal, `no sources${options.state ? ` in state ${options.state}` : ''}`);
        return;
      }
      say(
        cli.terminal,
        row(
          [
            ['STATE', widths.state],
            ['URL', widths.url],
          ],
          'TITLE OR REASON',
        ),
      );
      for (const s of items)
        say(
          cli.terminal,
          row(
            [
              [s.state, widths.state],
              [s.url, widths.url],
            ],
            s.reason ?? s.title ?? '',
          ),
        );
      say(cli.terminal, `${items.length} source${items.length === 1 ? '' : 's'}`);
    });
}
