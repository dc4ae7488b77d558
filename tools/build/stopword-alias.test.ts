import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { bundleOptions } from './bundle';
import { discoverFunctions } from './discover';

const root = resolve(import.meta.dirname, '../..');

describe("the bundles' stopword", () => {
  it('is the English list alone, the same as the package gives', async () => {
    const learn = (await discoverFunctions(root)).find((fn) => fn.name === 'learn')!;
    const { alias } = bundleOptions(learn, root, tmpdir());
    const { metafile, outputFiles } = await build({
      stdin: {
        contents: "import { eng } from 'stopword'; module.exports = eng;",
        resolveDir: root,
        loader: 'js',
      },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      write: false,
      metafile: true,
      outfile: join(tmpdir(), 'stopword-alias.cjs'),
      ...(alias ? { alias } : {}),
      logLevel: 'silent',
    });
    // Every language's file is read; only English's is in the output.
    expect(
      Object.keys(metafile.inputs).filter((p) => /stopwords_\w+\.js$/.test(p)).length,
    ).toBeGreaterThan(50);
    const output = Object.values(metafile.outputs)[0]!;
    // English, and the digits' list (485 bytes) that the package's index keeps.
    expect(
      Object.keys(output.inputs)
        .filter((p) => p.includes('stopword'))
        .sort(),
    ).toEqual([
      'node_modules/stopword/src/stopwords__123.js',
      'node_modules/stopword/src/stopwords_eng.js',
    ]);
    const bundled = new Function('module', outputFiles[0]!.text + '\nreturn module.exports;')({
      exports: {},
    }) as string[];
    const { eng } = createRequire(import.meta.url)('stopword') as { eng: string[] };
    expect(bundled).toEqual(eng);
    expect(eng.length).toBeGreaterThan(100);
  });
});
