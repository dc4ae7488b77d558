/**
 * The `multivac` command end to end, run as a user runs it (`node bin/multivac.js`, which is what
 * `npx multivac` starts) against a stack started as `npm start` starts it and the local test
 * corpus: exit codes for usage errors and an unreachable server; feeding (accepted, known,
 * refused and why), `learn --wait` on a pseudo-terminal (a redrawn bar) and in a pipe (plain
 * lines, no escape codes), the rate limit's 429 waited out as Retry-After says, `ask`, `sources`
 * and `deadletters`.
 */
import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../tools/services/index';
import { startCorpusServer, type CorpusServer } from '../corpus/server';
import { uniqueDbName, uniquePrefix } from '../support/isolation';
import { ESC, run, runCli, runCliOnTerminal } from './support/cli';
import { root, startTestStack, type TestStack } from './support/stack';

const INSUFFICIENT = 'INSUFFICIENT DATA FOR MEANINGFUL ANSWER.';
/** Writes a minute per client: the last feed of this file passes it, whenever it runs. */
const RATE_LIMIT = 24;

let dataDir: string;
let corpus: CorpusServer;
let stack: TestStack;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'multivac-cli-'));
  corpus = await startCorpusServer();
  stack = await startTestStack({
    dataDir,
    idleSeconds: 60,
    env: {
      ...process.env,
      MULTIVAC_FETCH_ALLOWED_CIDRS: '127.0.0.1/32',
      MULTIVAC_RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT),
      MONGODB_DB: uniqueDbName('cli'),
      MULTIVAC_CACHE_PREFIX: uniquePrefix('cli').replaceAll(':', '.'),
      MULTIVAC_STREAM: `${uniquePrefix('cli')}:events`,
      LOG_LEVEL: 'info',
    },
  });
  // What a user's shell has; nothing of the test runner's environment.
  env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TERM: 'xterm-256color',
    MULTIVAC_URL: stack.url,
  };
});

afterAll(async () => {
  await stack?.stop();
  await corpus?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

afterEach((context) => {
  if (context.task.result?.state === 'fail')
    console.log(`--- last lines of the stack ---\n${stack.tail(60)}`);
});

const relevant = () => corpus.pages.filter((p) => p.relevant).map((p) => p.url);
const notFoundPage = () => `${corpus.baseUrl}/status/404`;
const lines = (text: string) => text.split(/\r?\n/).filter((line) => line !== '');

/** The answer as the API gives it, to compare the command's output with. */
const serverAnswer = async () =>
  (await (
    await fetch(`${stack.url}/multivac`, { headers: { accept: 'application/json' } })
  ).json()) as { status: string; answer: string; confidence: number };

describe('multivac, the command', () => {
  it('exits 2 on a usage error, 3 when MultiVAC is unreachable; npx finds it in the checkout', async () => {
    const unknown = await runCli(['frobnicate'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    const nothing = await runCli(['feed'], env);
    expect(nothing).toMatchObject({ code: 2, stdout: '' });
    expect(nothing.stderr).toContain('give URLs, or --file');
    expect((await runCli(['sources', '--state', 'lost'], env)).code).toBe(2);
    expect((await runCli(['ask', '--url', 'ftp://example.org'], env)).code).toBe(2);

    const closed = `http://127.0.0.1:${await freePort()}`;
    const unreachable = await runCli(['ask'], { ...env, MULTIVAC_URL: closed });
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toContain(`cannot reach MultiVAC at ${closed}`);

    const { version } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
      version: string;
    };
    const npx = await run(['npx', '--no-install', 'multivac', '--version'], env);
    expect(npx).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it('asks: insufficient at first, exit 1', async () => {
    expect(await runCli(['ask'], env)).toMatchObject({ code: 1, stdout: `${INSUFFICIENT}\n` });
  });

  it('feeds URLs and a list file, reporting each: accepted, or refused and why (exit 4)', async () => {
    const list = join(dataDir, 'urls.txt');
    await writeFile(list, ['# the corpus', ...relevant(), '', notFoundPage()].join('\n'));
    const fed = await runCli(['feed', 'http://10.0.0.1/private', '--file', list], env);
    expect(fed.code).toBe(4);
    const out = lines(fed.stdout);
    for (const url of [...relevant(), notFoundPage()]) expect(out).toContain(`accepted  ${url}`);
    expect(out).toContainEqual(
      expect.stringMatching(/^refused {3}http:\/\/10\.0\.0\.1\/private: 400 .*private/),
    );
    const fedCount = relevant().length + 2;
    expect(out).toContain(`${fedCount} URLs: ${fedCount - 1} accepted, 0 already known, 1 refused`);
  });

  it('learns with --wait on a terminal: a redrawn bar, then the answer status and confidence', async () => {
    const learned = await runCliOnTerminal(['learn', '--wait'], env);
    expect(learned.code, learned.stdout).toBe(0);
    expect(learned.stdout).toContain(`${ESC}[`);
    expect(learned.stdout).toContain('█');
    expect(learned.stdout).toMatch(/100% \| succeeded \d+\/\d+ learned/);
    const n = relevant().length;
    expect(learned.stdout).toMatch(
      new RegExp(`job \\S+ succeeded in \\d+:\\d\\d: ${n} learned, [01] failed of (${n}|${n + 1})`),
    );
    expect(learned.stdout).toMatch(/answer: answered, confidence (0\.\d\d|1\.00), \d+ sources?/);
  });

  it('writes plain lines on a terminal with NO_COLOR (a job with nothing new)', async () => {
    const learned = await runCliOnTerminal(['learn', '--wait'], { ...env, NO_COLOR: '1' });
    expect(learned.code, learned.stdout).toBe(0);
    expect(learned.stdout).not.toContain(ESC);
    expect(learned.stdout).toMatch(/^\[\d+:\d\d\] succeeded +0\/0 learned/m);
  });

  it('asks again: the cited answer as text and as JSON, exit 0', async () => {
    const answer = await serverAnswer();
    expect(answer.status).toBe('answered');
    const json = await runCli(['ask', '--json'], env);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(answer);
    expect(await runCli(['ask'], env)).toMatchObject({
      code: 0,
      stdout: `${answer.answer}\n\nconfidence ${answer.confidence.toFixed(2)}\n`,
    });
  });

  it('lists the sources, and the failed ones with their reason', async () => {
    const failed = await runCli(['sources', '--state', 'failed'], env);
    expect(failed.code).toBe(0);
    const out = lines(failed.stdout);
    expect(out[0]).toMatch(/^STATE +URL +TITLE OR REASON$/);
    expect(out[1]).toMatch(
      new RegExp(`^failed +${notFoundPage().replace(/[.]/g, '\\.')} +server answered 404`),
    );
    expect(out.at(-1)).toBe('1 source');
    const all = await runCli(['sources', '--json'], env);
    expect((JSON.parse(all.stdout) as { url: string }[]).map((s) => s.url).sort()).toEqual(
      [...relevant(), notFoundPage()].sort(),
    );
  });

  it('reports a page already learned as known', async () => {
    const [first] = relevant();
    const fed = await runCli(['feed', first!], env);
    expect(fed.code).toBe(0);
    expect(lines(fed.stdout)).toEqual([
      `known     ${first} (already learned)`,
      '1 URL: 0 accepted, 1 already known, 0 refused',
    ]);
  });

  it("lists the broker's dead letters (none)", async () => {
    const listed = await runCli(['deadletters', 'list', '--admin', stack.adminUrl], env);
    expect(listed).toMatchObject({ code: 0, stdout: 'no dead letters\n' });
  });

  it('waits out a 429 as Retry-After says, then learns in a pipe: plain lines, no escape codes', async () => {
    // More pages than the limit: a 429 comes whether or not this minute's window is still open.
    // The last ones are slow, so the job waits for pages still being fetched.
    const fast = Array.from({ length: RATE_LIMIT - 2 }, (_, i) => `/generated/${100 + i}.html`);
    const slow = Array.from({ length: 4 }, (_, i) => `/slow/8000/generated/${200 + i}.html`);
    const urls = [...fast, ...slow].map((path) => `${corpus.baseUrl}${path}`);
    const fed = await runCli(['feed', ...urls], env, { timeoutMs: 100_000 });
    expect(fed.code, fed.stderr).toBe(0);
    expect(fed.stderr).toMatch(
      new RegExp(`MultiVAC answered 429, waiting \\d+ s as asked: more than ${RATE_LIMIT} writes`),
    );
    expect(lines(fed.stdout).at(-2)).toBe(
      `${urls.length} URLs: ${urls.length} accepted, 0 already known, 0 refused`,
    );

    const learned = await runCli(['learn', '--wait'], env);
    expect(learned.code, learned.stdout + learned.stderr).toBe(0);
    expect(learned.stdout + learned.stderr).not.toContain(ESC);
    const out = lines(learned.stdout);
    const progress = out.filter((line) => line.startsWith('['));
    for (const line of progress)
      expect(line).toMatch(
        /^\[\d+:\d\d\] (queued|running|succeeded) +(waiting for a learner to plan the job|\d+\/(\d+|\?) learned, \d+ failed, \d+ fetching, (–|[\d.]+)\/s, ETA (–|\d+:\d\d))$/,
      );
    expect(progress).toContainEqual(expect.stringMatching(/running .* [1-9]\d* fetching/));
    expect(out.at(-2)).toMatch(
      new RegExp(
        `^job \\S+ succeeded in \\d+:\\d\\d: ${urls.length} learned, 0 failed of ${urls.length}$`,
      ),
    );
    expect(out.at(-1)).toMatch(/^answer: answered, confidence (0\.\d\d|1\.00), \d+ sources?$/);
  });
});
