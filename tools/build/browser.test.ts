import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BROWSER_ASSETS_MODULE,
  browserAssetsPlugin,
  buildBrowserAssets,
  type BrowserAssets,
} from './index';

const root = resolve(import.meta.dirname, '../..');
const decode = (assets: BrowserAssets, name: string) =>
  Buffer.from(assets.files.find((f) => f.name === name)!.base64, 'base64').toString('utf8');

describe("the console's browser assets", () => {
  let assets: Awaited<ReturnType<typeof buildBrowserAssets>>;
  beforeAll(async () => {
    assets = await buildBrowserAssets(join(root, 'functions/console/browser'));
  });

  it('are a script, its stylesheet and the icon, each named by its content hash', () => {
    expect(Object.keys(assets.entries).sort()).toEqual(['favicon.svg', 'main.css', 'main.js']);
    expect(assets.entries['main.js']).toMatch(/^main-[A-Z0-9]{8}\.js$/);
    expect(assets.entries['main.css']).toMatch(/^main-[A-Z0-9]{8}\.css$/);
    expect(assets.entries['favicon.svg']).toMatch(/^favicon-[A-Z0-9]{8}\.svg$/);
    expect(assets.files.map((f) => f.name).sort()).toEqual(Object.values(assets.entries).sort());
    expect(assets.files.find((f) => f.name.endsWith('.js'))!.type).toBe(
      'text/javascript; charset=utf-8',
    );
  });

  it('are self-contained: no import left, nothing loaded from another origin', () => {
    const js = decode(assets, assets.entries['main.js']!);
    expect(js).not.toMatch(/\bimport\s*\(|\bimport\s*["'{*]|\bfrom\s*["']/);
    expect(js).not.toMatch(/\beval\(|new Function\(|innerHTML|outerHTML|insertAdjacentHTML/);
    const css = decode(assets, assets.entries['main.css']!);
    expect(css).not.toMatch(/@import|url\(/);
    expect(css.length).toBeGreaterThan(500);
  });

  it('list every source file they were built from, to be watched', () => {
    expect(assets.inputs).toEqual(
      expect.arrayContaining([
        join(root, 'functions/console/browser/main.ts'),
        join(root, 'functions/console/browser/style.css'),
        join(root, 'functions/console/browser/static/favicon.svg'),
      ]),
    );
  });
});

describe('browser assets of a function', () => {
  let dir: string;
  const write = async (path: string, text: string) => {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), text);
  };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'multivac-browser-'));
    await write('functions/page/browser/main.ts', "import './a.css';\nconsole.log('one');\n");
    await write('functions/page/browser/a.css', 'body { color: red; }\n');
    await write(
      'functions/page/index.ts',
      `import assets from '${BROWSER_ASSETS_MODULE}';\nexport default assets;\n`,
    );
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('change name when their content changes, and only then', async () => {
    const first = await buildBrowserAssets(join(dir, 'functions/page/browser'));
    const again = await buildBrowserAssets(join(dir, 'functions/page/browser'));
    expect(again.entries).toEqual(first.entries);
    expect(first.entries['favicon.svg']).toBeUndefined();
    await write('functions/page/browser/main.ts', "import './a.css';\nconsole.log('two');\n");
    const changed = await buildBrowserAssets(join(dir, 'functions/page/browser'));
    expect(changed.entries['main.js']).not.toBe(first.entries['main.js']);
    expect(changed.entries['main.css']).toBe(first.entries['main.css']);
  });

  it('are embedded in the function bundle as the module the function imports', async () => {
    const fn = {
      name: 'page',
      dir: join(dir, 'functions/page'),
      entry: join(dir, 'functions/page/index.ts'),
      kind: 'http' as const,
    };
    const out = join(dir, 'out.mjs');
    await build({
      entryPoints: [fn.entry],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: out,
      plugins: [browserAssetsPlugin(fn)],
      logLevel: 'silent',
    });
    const embedded = (await import(pathToFileURL(out).href)) as { default: BrowserAssets };
    const built = await buildBrowserAssets(join(dir, 'functions/page/browser'));
    expect(embedded.default).toEqual({ entries: built.entries, files: built.files });
    expect(decode(embedded.default, built.entries['main.js']!)).toMatch(/console\.log\("\w+"\)/);
  });
});
