import type { Command } from 'commander';
import type { Api } from '../api';
import { serverUrl, type Cli } from '../context';
import { ExitCode } from '../errors';
import { row } from '../table';
import { say } from '../terminal';
import { deadLetterPage, redriveReport, type DeadLetter } from '../views';

/** The broker's admin API when neither `--admin` nor `MULTIVAC_ADMIN_URL` says (`npm start`). */
const DEFAULT_ADMIN_URL = 'http://127.0.0.1:8081';

interface Options {
  id?: string[];
  trigger?: string;
  admin?: string;
  json?: boolean;
}

/** Every dead letter (of one trigger), following `next` page by page. */
async function listAll(api: Api, trigger?: string): Promise<DeadLetter[]> {
  const items: DeadLetter[] = [];
  let after: string | undefined;
  do {
    const query = new URLSearchParams({ limit: '1000' });
    if (trigger) query.set('trigger', trigger);
    if (after) query.set('after', after);
    const page = await api.json(deadLetterPage, 'GET', `/deadletters?${query}`);
    items.push(...page.items);
    after = page.next;
  } while (after);
  return items;
}

function table(items: readonly DeadLetter[]): string[] {
  if (items.length === 0) return ['no dead letters'];
  // Never cut an id: it is what `redrive --id` takes (`<trigger>:<stream id>`).
  const idWidth = Math.max(11, ...items.map((d) => d.id.length));
  const header = row(
    [
      ['DEAD LETTER', idWidth],
      ['TRIGGER', 26],
      ['KIND', 11],
      ['TRIES', 5],
      ['EVENT', 40],
    ],
    'REASON',
  );
  const lines = items.map((d) =>
    row(
      [
        [d.id, idWidth],
        [d.trigger, 26],
        [d.kind, 11],
        [d.attempts, 5],
        [d.event ? `${d.event.type} ${d.event.id}` : '(unreadable)', 40],
      ],
      d.reason,
    ),
  );
  return [header, ...lines, `${items.length} dead letter${items.length === 1 ? '' : 's'}`];
}

/**
 * `multivac deadletters list|redrive` (also `npm run deadletters -- …`): the broker's dead letters
 * through its admin API (`--admin`, else `MULTIVAC_ADMIN_URL`, else 127.0.0.1:8081; in a cluster
 * `kubectl -n multivac port-forward deploy/broker 8081`).
 */
export function addDeadletters(program: Command, cli: Cli): void {
  const admin = (options: Options) => {
    const given = options.admin ?? (cli.terminal.env.MULTIVAC_ADMIN_URL || undefined);
    const url = given ? serverUrl(given, options.admin ? '--admin' : 'MULTIVAC_ADMIN_URL') : null;
    return cli.apiAt(url ?? DEFAULT_ADMIN_URL, "the broker's admin API");
  };
  const deadletters = program
    .command('deadletters')
    .description("list or re-drive the broker's dead letters (its admin API)");
  const common = (command: Command) =>
    command
      .option('--id <id...>', 'only these dead letters (ids as listed: <trigger>:<stream id>)')
      .option('--trigger <name>', 'only the dead letters of this trigger')
      .option(
        '--admin <url>',
        `the admin API: --admin, else $MULTIVAC_ADMIN_URL, else ${DEFAULT_ADMIN_URL}`,
      )
      .option('--json', 'JSON instead of a table');

  common(deadletters.command('list').description('list dead letters')).action(
    async (options: Options) => {
      let items = await listAll(admin(options), options.trigger);
      if (options.id) items = items.filter((d) => options.id!.includes(d.id));
      if (options.json) say(cli.terminal, JSON.stringify(items, null, 2));
      else for (const line of table(items)) say(cli.terminal, line);
    },
  );

  common(
    deadletters
      .command('redrive')
      .description('deliver dead letters again to their trigger (all, by --trigger or by --id)'),
  ).action(async (options: Options) => {
    const report = await admin(options).json(redriveReport, 'POST', '/deadletters/redrive', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        ...(options.id ? { ids: options.id } : {}),
        ...(options.trigger ? { trigger: options.trigger } : {}),
      }),
    });
    if (options.json) say(cli.terminal, JSON.stringify(report, null, 2));
    else {
      for (const r of report.redriven)
        say(cli.terminal, `re-driven ${r.id} → ${r.trigger} as ${r.entry}`);
      for (const s of report.skipped) say(cli.terminal, `skipped   ${s.id}: ${s.reason}`);
      say(cli.terminal, `${report.redriven.length} re-driven, ${report.skipped.length} skipped`);
    }
    // Asked for by id and not re-driven: the caller's intent was not carried out.
    if (report.skipped.length && options.id) cli.exit(ExitCode.failed);
  });
}
