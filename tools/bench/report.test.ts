import { describe, expect, it } from 'vitest';
import { combinedTable, table } from './report';

describe('report', () => {
  it('prints a result as a table with its notes', () => {
    const text = table({ name: 'x', rows: [{ what: 'a', n: 1.234 }], notes: ['note'] });
    expect(text.split('\n')).toEqual(['## x', 'what     n', '----  ----', 'a     1.23', '  note']);
  });

  it('combines summaries, falls back to rows, and lists skipped and failed benchmarks', () => {
    const text = combinedTable([
      {
        name: 'one',
        seconds: 1,
        result: {
          name: 'one',
          rows: [],
          summary: [
            {
              measurement: 'rps',
              value: '10',
              baseline: '20 bare',
              ratio: '0.50×',
              goal: '≥ 0.4×',
            },
          ],
        },
      },
      { name: 'two', seconds: 1, result: { name: 'two', rows: [{ target: 't', ms: 5 }] } },
      { name: 'three', seconds: 0, skipped: 'needs learn' },
      { name: 'four', seconds: 0, error: 'boom\nstack' },
    ]);
    const lines = text.split('\n');
    expect(lines[0]).toBe('# Summary');
    expect(lines[3]).toMatch(/^one\s+rps\s+10\s+20 bare\s+0\.50×\s+≥ 0\.4×$/);
    expect(lines[4]).toMatch(/^two\s+t\s+ms 5$/);
    expect(lines[5]).toMatch(/^three\s+skipped: needs learn$/);
    expect(lines[6]).toMatch(/^four\s+FAILED: boom$/);
  });
});
