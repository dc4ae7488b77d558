import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Debian's `chromium` (Ubuntu's `chromium-browser`), or undefined when neither is installed. */
export function findChromium(): string | undefined {
  for (const name of ['chromium', 'chromium-browser']) {
    const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    const path = found.stdout.trim();
    if (found.status === 0 && path) return path;
  }
  return undefined;
}

/** Whether this run is CI's (`CI=true`, as .ci/run sets): there a missing browser is a failure. */
export const inCi = () => !['', '0', 'false'].includes((process.env.CI ?? '').toLowerCase());

/**
 * Switches that keep Chromium off the network (the machine has none, and each of these features
 * would try): no background fetches, component or safe-browsing updates, sync, QUIC or first-run
 * pages; no GPU on a headless server.
 */
const QUIET = [
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-domain-reliability',
  '--disable-client-side-phishing-detection',
  '--metrics-recording-only',
];

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Headless Chromium with a fresh profile (its own `--user-data-dir`, removed on close), driven
 * over the DevTools protocol by playwright-core. As root Chromium's sandbox cannot start, so it
 * is turned off there.
 */
export async function launchChromium(
  executablePath: string,
  viewport: { width: number; height: number },
): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), 'multivac-chromium-'));
  const asRoot = process.getuid?.() === 0;
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: ['--headless', ...QUIET, ...(asRoot ? ['--no-sandbox'] : [])],
      chromiumSandbox: !asRoot,
      viewport,
      timeout: 60_000,
    });
    return {
      context,
      async close() {
        await context.close().catch(() => {});
        await rm(profile, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(profile, { recursive: true, force: true });
    throw err;
  }
}
