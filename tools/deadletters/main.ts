/**
 * `npm run deadletters -- list|redrive [--id <entryId>]… [--trigger <name>] [--admin <url>] [--json]`
 *
 * Lists the broker's dead letters or re-drives them (all, those of one trigger, or by id)
 * through the broker's admin API: `--admin`, else MULTIVAC_ADMIN_URL, else
 * http://127.0.0.1:8081 (`kubectl -n multivac port-forward deploy/broker 8081` in a cluster).
 */
import { parseArgs } from 'node:util';

const USAGE =
  'usage: npm run deadletters -- list|redrive [--id <entryId>]... [--trigger <name>] [--admin <url>] [--json]';

interface DeadLetter {
  id: string;
  trigger: string;
  kind: string;
  reason: string;
  status: number | null;
  attempts: number;
  time: string;
  event: { id?: string; type?: string; source?: string } | null;
}

interface RedriveReport {
  redriven: { id: string; trigger: string; entry: string }[];
  skipped: { id: string; reason: string }[];
}

class UsageError extends Error {}

async function call<T>(url: string, init?: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
  } catch (err) {
    const cause = (err as Error & { cause?: Error }).cause;
    throw new Error(
      `the broker's admin API at ${url} does not answer: ${(cause ?? (err as Error)).message}`,
      { cause: err },
    );
  }
  const text = await res.text();
  if (!res.ok) {
    let detail = text;
    try {
      detail = (JSON.parse(text) as { detail?: string }).detail ?? text;
    } catch {
      // not problem+json: show the text
    }
    throw new Error(`${url}: ${res.status} ${detail}`);
  }
  return JSON.parse(text) as T;
}

async function listAll(admin: string, trigger?: string): Promise<DeadLetter[]> {
  const items: DeadLetter[] = [];
  let after: string | undefined;
  do {
    const query = new URLSearchParams({ limit: '1000' });
    if (trigger) query.set('trigger', trigger);
    if (after) query.set('after', after);
    const page = await call<{ items: DeadLetter[]; next?: string }>(
      `${admin}/deadletters?${query}`,
    );
    items.push(...page.items);
    after = page.next;
  } while (after);
  return items;
}

const cell = (value: unknown, width: number) => {
  const text = String(value ?? '').replace(/\s+/g, ' ');
  return (text.length > width ? `${text.slice(0, width - 1)}…` : text).padEnd(width);
};

function printTable(items: readonly DeadLetter[]): void {
  if (items.length === 0) {
    console.log('no dead letters');
    return;
  }
  console.log(
    [
      cell('DEAD LETTER', 20),
      cell('TRIGGER', 26),
      cell('KIND', 11),
      cell('TRIES', 5),
      cell('EVENT', 40),
      'REASON',
    ].join(' '),
  );
  for (const d of items) {
    const event = d.event ? `${d.event.type} ${d.event.id}` : '(unreadable)';
    console.log(
      [
        cell(d.id, 20),
        cell(d.trigger, 26),
        cell(d.kind, 11),
        cell(d.attempts, 5),
        cell(event, 40),
        d.reason,
      ].join(' '),
    );
  }
  console.log(`${items.length} dead letter${items.length === 1 ? '' : 's'}`);
}

async function main(argv: readonly string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        id: { type: 'string', multiple: true },
        trigger: { type: 'string' },
        admin: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const [command, ...rest] = positionals;
  if (rest.length) throw new UsageError(`unexpected arguments: ${rest.join(' ')}`);
  const admin = (values.admin ?? process.env.MULTIVAC_ADMIN_URL ?? 'http://127.0.0.1:8081').replace(
    /\/+$/,
    '',
  );
  switch (command) {
    case 'list': {
      let items = await listAll(admin, values.trigger);
      if (values.id) items = items.filter((d) => values.id!.includes(d.id));
      if (values.json) console.log(JSON.stringify(items, null, 2));
      else printTable(items);
      return;
    }
    case 'redrive': {
      const report = await call<RedriveReport>(`${admin}/deadletters/redrive`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          ...(values.id ? { ids: values.id } : {}),
          ...(values.trigger ? { trigger: values.trigger } : {}),
        }),
      });
      if (values.json) {
        console.log(JSON.stringify(report, null, 2));
      } else {
        for (const r of report.redriven)
          console.log(`re-driven ${r.id} → ${r.trigger} as ${r.entry}`);
        for (const s of report.skipped) console.log(`skipped   ${s.id}: ${s.reason}`);
        console.log(`${report.redriven.length} re-driven, ${report.skipped.length} skipped`);
      }
      if (report.skipped.length && values.id) process.exitCode = 1;
      return;
    }
    default:
      throw new UsageError(command ? `unknown command "${command}"` : 'no command');
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof UsageError) {
    console.error(`${err.message}\n${USAGE}`);
    process.exitCode = 2;
  } else {
    console.error((err as Error).message);
    process.exitCode = 1;
  }
});
