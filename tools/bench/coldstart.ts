/**
 * Cold start: for each function, the time from spawning its bundle to its first successful
 * response (median of several runs), next to a bare Node `http` server measured the same way in
 * the same run; plus each bundle's size. The bundles run from a directory with no node_modules.
 */
import { spawn } from 'node:child_process';
import { cp, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { HTTP } from 'cloudevents';
import { EventType, makeEvent } from '../../shared/events/index';
import { bundleNodeFlags } from '../../shared/runtime/node-flags';
import { bundleFunction, discoverFunctions, withTrainingServers } from '../build/index';
import { freePort, startServices } from '../services/index';
import { buildHello } from './baselines';
import { median, ratio } from './stats';
import type { Benchmark } from './types';

const root = resolve(import.meta.dirname, '../..');

interface Probe {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

const event = (type: Parameters<typeof makeEvent>[0], data: object): Probe => {
  const message = HTTP.binary(
    makeEvent(type, data as never, { source: '/multivac/bench', id: `bench-${Math.random()}` }),
  );
  return {
    method: 'POST',
    path: '/',
    headers: message.headers as Record<string, string>,
    body: message.body as string,
  };
};

/** The cheapest request each function itself answers (not the runtime's health check). */
const PROBES: Record<string, () => Probe> = {
  question: () => ({ method: 'GET', path: '/' }),
  data: () => ({ method: 'GET', path: '/multivac/data' }),
  process: () => ({ method: 'GET', path: '/multivac/jobs/bench-none' }),
  acquire: () =>
    event(EventType.SourceRequested, { sourceId: 'bench-none', url: 'http://127.0.0.1:9/' }),
  learn: () => event(EventType.LearningRequested, { jobId: 'bench-none' }),
  broker: () => ({ method: 'GET', path: '/readyz' }),
  bare: () => ({ method: 'GET', path: '/' }),
  hello: () => ({ method: 'GET', path: '/' }),
};

/** Issue 12's goals: functions that answer users within 2× bare Node, workers and broker 2.5×. */
const GOALS: Record<string, string> = {
  question: '≤ 2.0×',
  data: '≤ 2.0×',
  process: '≤ 2.0×',
  console: '≤ 2.0×',
  acquire: '≤ 2.5×',
  learn: '≤ 2.5×',
  broker: '≤ 2.5×',
};

const BARE = `require('node:http').createServer((q, s) => s.end('ok')).listen(Number(process.env.PORT), '127.0.0.1');`;

async function firstResponse(
  file: string,
  env: NodeJS.ProcessEnv,
  probe: () => Probe,
): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [...bundleNodeFlags(dirname(file)), file], {
    env: { ...env, PORT: String(port) },
    stdio: 'ignore',
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${file} exited with ${child.exitCode}`);
      if (performance.now() - started > 30_000) throw new Error(`${file}: no answer within 30 s`);
      const p = probe();
      const ok = await fetch(`http://127.0.0.1:${port}${p.path}`, {
        method: p.method,
        headers: p.headers,
        body: p.body,
      }).then(
        async (res) => (await res.arrayBuffer(), res.status < 500),
        () => false,
      );
      if (ok) return performance.now() - started;
      await new Promise((r) => setTimeout(r, 2));
    }
  } finally {
    child.kill('SIGKILL');
    await new Promise((r) =>
      child.exitCode !== null || child.signalCode !== null ? r(undefined) : child.once('exit', r),
    );
  }
}

export const run: Benchmark = async ({ quick }) => {
  const runs = quick ? 3 : 9;
  const dir = await mkdtemp(join(tmpdir(), 'multivac-coldstart-'));
  const services = await startServices(join(dir, 'services'));
  try {
    const sources = await discoverFunctions(root);
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      LOG_LEVEL: 'warn',
      REDIS_URL: services.redis.url,
      MONGODB_URI: services.mongo.uri,
      MONGODB_DB: 'coldstart',
      K_SINK: 'http://127.0.0.1:9/',
      MULTIVAC_TRIGGERS_FILE: join(root, 'knative/base/triggers.yaml'),
      MULTIVAC_STREAM: 'coldstart:events',
    };
    const bare = join(dir, 'bare.cjs');
    await writeFile(bare, BARE);
    const hello = await buildHello(join(dir, 'hello-build'));
    const targets: { name: string; file: string; bytes: number }[] = [
      { name: 'bare', file: bare, bytes: (await stat(bare)).size },
      { name: 'hello', file: hello, bytes: (await stat(join(hello, '..', 'function.cjs'))).size },
    ];
    // Built as `npm run build` and the image build do: code caches trained against servers of
    // their own (tools/build/training.ts), not the ones measured here.
    await withTrainingServers(async (servers) => {
      for (const fn of sources) {
        const report = await bundleFunction(fn, root, join(dir, 'build'), { servers });
        // Run from a directory that has no node_modules anywhere above it.
        await cp(join(dir, 'build', fn.name), join(dir, 'run', fn.name), { recursive: true });
        targets.push({
          name: fn.name,
          file: join(dir, 'run', fn.name, 'index.cjs'),
          bytes: report.bytes,
        });
      }
    });
    const times = new Map<string, number[]>();
    // Interleave the targets so a noisy moment of the machine is shared by all of them.
    for (let i = 0; i < runs; i++) {
      for (const t of targets) {
        const probe = PROBES[t.name] ?? PROBES.bare!;
        times.set(t.name, [...(times.get(t.name) ?? []), await firstResponse(t.file, env, probe)]);
      }
    }
    const baseline = median(times.get('bare')!);
    const label: Record<string, string> = {
      bare: 'bare node http (baseline)',
      hello: 'hello-world FF function (baseline)',
    };
    const rows = targets.map((t) => ({
      target: label[t.name] ?? t.name,
      'bundle KiB': Math.round(t.bytes / 1024),
      'median ms': Math.round(median(times.get(t.name)!)),
      'min ms': Math.round(Math.min(...times.get(t.name)!)),
      'vs baseline': ratio(median(times.get(t.name)!), baseline),
      goal: GOALS[t.name] ?? '',
    }));
    const summary = targets
      .filter((t) => t.name !== 'bare')
      .map((t) => ({
        measurement: `cold start, ${t.name === 'hello' ? 'hello-world FF function' : t.name}`,
        value: `${Math.round(median(times.get(t.name)!))} ms`,
        baseline: `${Math.round(baseline)} ms bare node`,
        ratio: ratio(median(times.get(t.name)!), baseline),
        ...(GOALS[t.name] ? { goal: GOALS[t.name] } : {}),
      }));
    return {
      name: 'coldstart',
      rows,
      summary,
      notes: [
        `${runs} runs per target, interleaved; spawn of \`node <bundle>\` to its first successful (non-5xx) answer to a request the function itself serves.`,
        'Functions that use MongoDB on that request (data, process, acquire, learn) include connecting to it.',
      ],
    };
  } finally {
    await services.stop();
    await rm(dir, { recursive: true, force: true });
  }
};
