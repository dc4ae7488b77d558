import { describe, expect, it } from 'vitest';
import { NODE_FLAGS } from '../../shared/runtime/node-flags';
import { NODE_MAJOR, NODE_VERSION } from '../../tools/setup/node.mjs';
import { FERRETDB_VERSION } from '../../tools/services/ferretdb';
import { readText } from './support/repo';

interface Instruction {
  op: string;
  args: string;
}

/** Dockerfile instructions, continuation lines joined, comments dropped; one list per stage. */
function stages(text: string): Instruction[][] {
  const lines = text.replace(/\\\n/g, ' ').split('\n');
  const out: Instruction[][] = [];
  for (const raw of lines) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^([A-Za-z]+)\s+(.*)$/.exec(line);
    if (!m) throw new Error(`unparsed line: ${line}`);
    const instruction = { op: m[1]!.toUpperCase(), args: m[2]!.trim() };
    if (instruction.op === 'FROM') out.push([instruction]);
    // Global ARGs before the first FROM belong to no stage.
    else if (out.length > 0) out[out.length - 1]!.push(instruction);
  }
  return out;
}

/** An exec-form instruction's arguments as the Dockerfile writes them. */
const execForm = (argv: string[]) => `[${argv.map((a) => JSON.stringify(a)).join(', ')}]`;

const dockerfile = readText('Dockerfile');
const all = stages(dockerfile);
const stage = (name: string) => all.find((st) => st[0]!.args.endsWith(` AS ${name}`))!;
const [build, ferretdb, codecache, final] = [
  stage('build'),
  stage('ferretdb'),
  stage('codecache'),
  all[all.length - 1]!,
];
const args = (stage: Instruction[], op: string) =>
  stage.filter((i) => i.op === op).map((i) => i.args);

describe('the Dockerfile (one for all functions)', () => {
  it("has a build stage, a code-cache stage on the pinned Node, FerretDB's binary and a final stage", () => {
    expect(all).toHaveLength(4);
    expect(build[0]!.args).toMatch(/^node:\$\{NODE_VERSION\}-bookworm-slim AS build$/);
    expect(codecache[0]!.args).toBe('node:${NODE_VERSION}-bookworm-slim AS codecache');
    // The MongoDB-wire server the training run talks to, the version tools/services builds.
    expect(ferretdb[0]!.args).toBe('ghcr.io/ferretdb/ferretdb:${FERRETDB_VERSION} AS ferretdb');
    expect(dockerfile).toMatch(
      new RegExp(
        `^ARG FERRETDB_VERSION=${FERRETDB_VERSION.replace(/^v/, '').replace(/\./g, '\\.')}$`,
        'm',
      ),
    );
    expect(args(codecache, 'COPY')).toContain('--from=ferretdb /ferretdb /usr/local/bin/ferretdb');
  });

  it('makes the code cache against a real Redis and FerretDB, with the flags the image starts node with', () => {
    const runs = args(codecache, 'RUN');
    expect(runs[0]).toMatch(/apt-get install -y --no-install-recommends redis-server/);
    const training = runs[runs.length - 1]!.replace(/\s+/g, ' ');
    expect(training).toMatch(/redis-server --daemonize yes --bind 127\.0\.0\.1 --port 6379 /);
    expect(training).toMatch(/ferretdb --handler=sqlite .*--listen-addr=127\.0\.0\.1:27017 .*&/);
    // V8 takes a cache only from the same flags; the start-up adds the function's own.
    expect(training).toContain(
      `REDIS_URL=redis://127.0.0.1:6379 MONGODB_URI=mongodb://127.0.0.1:27017/ node ${NODE_FLAGS.join(' ')} /app/index.cjs --write-code-cache`,
    );
  });

  it('takes the function as a build argument in the stages that use it', () => {
    expect(args(build, 'ARG')).toContain('FUNCTION');
    expect(args(codecache, 'ARG')).toContain('FUNCTION');
    expect(args(final, 'ARG')).toContain('FUNCTION');
  });

  it('runs the esbuild step for that one function in the build stage', () => {
    const runs = args(build, 'RUN').join('\n');
    expect(runs).toMatch(/npm ci\b/);
    expect(runs).toMatch(/npm run build -- "\$\{FUNCTION\}" --no-code-cache/);
    expect(runs).toMatch(/test -s "dist\/\$\{FUNCTION\}\/function\.cjs"/);
  });

  it('keeps the shared layers (npm ci) above the point where FUNCTION comes into scope', () => {
    const ops = build.map((i) => `${i.op} ${i.args}`);
    const npmCi = ops.findIndex((o) => o.includes('npm ci'));
    const arg = ops.indexOf('ARG FUNCTION');
    expect(npmCi).toBeGreaterThan(0);
    expect(arg).toBeGreaterThan(npmCi);
  });

  it(`runs on distroless with the Node ${NODE_MAJOR} that every other place pins, the one that made the cache`, () => {
    expect(final[0]!.args).toBe('gcr.io/distroless/cc-debian12:nonroot');
    expect(dockerfile).toMatch(
      new RegExp(`^ARG NODE_VERSION=${NODE_VERSION.replace(/\./g, '\\.')}$`, 'm'),
    );
    expect(NODE_VERSION.split('.')[0]).toBe(String(NODE_MAJOR));
    expect(args(final, 'COPY')[0]).toBe('--from=codecache /usr/local/bin/node /nodejs/bin/node');
  });

  it('puts only the function (start-up, bundle, code cache) in the image', () => {
    expect(args(codecache, 'COPY')).toContain('--from=build /src/dist/${FUNCTION}/ /app/');
    const copies = args(final, 'COPY');
    expect(copies).toEqual([
      '--from=codecache /usr/local/bin/node /nodejs/bin/node',
      '--from=codecache --chown=0:0 /app/ /app/',
    ]);
    expect(args(final, 'RUN')).toEqual([]);
    expect(args(final, 'ADD')).toEqual([]);
  });

  it('runs as a non-root user, started by node itself (never npm)', () => {
    const [user] = args(final, 'USER');
    expect(user).toMatch(/^\d+:\d+$/);
    expect(Number(user!.split(':')[0])).toBeGreaterThan(0);
    expect(args(final, 'ENTRYPOINT')).toEqual([execForm(['/nodejs/bin/node', ...NODE_FLAGS])]);
    expect(args(final, 'CMD')).toEqual(['["/app/index.cjs"]']);
    expect(final.map((i) => i.args).join(' ')).not.toMatch(/\bnpm\b/);
  });
});

describe('.dockerignore', () => {
  const rules = readText('.dockerignore')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));

  it('starts from nothing and lets in only what the build stage reads', () => {
    expect(rules[0]).toBe('**');
    expect(rules.filter((r) => r.startsWith('!')).sort()).toEqual(
      [
        '!docs/api/openapi.json',
        '!knative/base/triggers.yaml',
        '!functions/**',
        '!package-lock.json',
        '!package.json',
        '!shared/**',
        '!tools/**',
        '!tsconfig.json',
      ].sort(),
    );
  });

  it('keeps out tests, node_modules and env files even inside the included folders', () => {
    for (const rule of ['**/*.test.ts', '**/node_modules', '**/*.env'])
      expect(rules).toContain(rule);
    // The exclusions come after the inclusions, or they would be undone.
    const lastInclude = rules.map((r) => r.startsWith('!')).lastIndexOf(true);
    expect(rules.indexOf('**/*.env')).toBeGreaterThan(lastInclude);
  });
});
