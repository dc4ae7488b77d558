import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPENAPI_FILE, drift } from './outputs';

describe('the committed API description', () => {
  it('is what `npm run api` generates from the code now', async () => {
    const { outputs, changed, stale } = await drift(resolve(import.meta.dirname, '../..'));
    expect(outputs.map((o) => o.path)).toContain(OPENAPI_FILE);
    expect(outputs.map((o) => o.path)).toContain('README.md');
    // If this fails: run `npm run api` and commit what it writes.
    expect({ changed, stale }).toEqual({ changed: [], stale: [] });
  });
});
