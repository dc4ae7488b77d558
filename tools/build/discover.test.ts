import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleOptions, discoverFunctions, isValidName, kindOf } from './index';

describe('kindOf', () => {
  it.each([
    [
      'question',
      "import { http } from '@google-cloud/functions-framework';\nhttp('question', handler);",
      'http',
    ],
    ['learn', "cloudEvent('learn', handle);", 'cloudevent'],
    ['learn', 'cloudEvent<Data>("learn", handle);', 'cloudevent'],
    ['broker', 'void main();', 'standalone'],
  ])('%s: %s → %s', (name, source, kind) => {
    expect(kindOf(name, source)).toBe(kind);
  });

  it.each([
    ['question', "http('answer', h);", /target must be the folder name "question"/],
    ['x', "http('x', a);\ncloudEvent('x', b);", /registers 2 functions/],
  ])('refuses %s registering %s', (name, source, error) => {
    expect(() => kindOf(name, source)).toThrow(error);
  });
});

describe('isValidName', () => {
  it.each([
    ['question', true],
    ['a', true],
    ['a1-b', true],
    ['Question', false],
    ['1abc', false],
    ['a_b', false],
    ['a-', false],
    ['a'.repeat(63), true],
    ['a'.repeat(64), false],
  ])('%s → %s', (name, valid) => expect(isValidName(name)).toBe(valid));
});

describe('discoverFunctions', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'multivac-discover-'));
    const write = async (path: string, text: string) => {
      await mkdir(join(root, path, '..'), { recursive: true });
      await writeFile(join(root, path), text);
    };
    await write('functions/question/index.ts', "http('question', h);");
    await write('functions/broker/index.ts', 'void main();');
    await write('functions/notes/README.md', 'no index here');
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('finds every folder with an index.ts, sorted, with its kind', async () => {
    const found = await discoverFunctions(root);
    expect(found.map((f) => [f.name, f.kind])).toEqual([
      ['broker', 'standalone'],
      ['question', 'http'],
    ]);
  });

  it('bundles an FF function from the shared entry, which registers, then serves it', async () => {
    const [broker, question] = await discoverFunctions(root);
    const options = bundleOptions(question!, root, '/out');
    expect(options.entryPoints).toEqual([join(root, 'shared/runtime/entry.ts')]);
    expect(options.define).toMatchObject({
      MULTIVAC_TARGET: '"question"',
      MULTIVAC_SIGNATURE: '"http"',
    });
    expect(options.outfile).toBe('/out/question/function.cjs');
    expect(bundleOptions(broker!, root, '/out').entryPoints).toEqual([broker!.entry]);
  });
});
