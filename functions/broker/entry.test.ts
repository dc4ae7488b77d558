import { describe, expect, it } from 'vitest';
import { validateEvent } from './format';
import { appendedAt, decodeEntry } from './entry';

const event = validateEvent({
  specversion: '1.0',
  id: 'e1',
  source: '/multivac/learn',
  type: 'dev.multivac.document.learn',
  data: { jobId: 'j1', documentIds: ['d1'], total: 1 },
});

describe('entries', () => {
  it('reads an event as the broker wrote it', () => {
    expect(decodeEntry('1-0', ['event', JSON.stringify(event)])).toEqual({ id: '1-0', event });
  });

  it('reads a re-driven event with the dead letter it came from', () => {
    const fields = ['event', JSON.stringify(event), 'redriven', '5-1'];
    expect(decodeEntry('9-0', fields)).toEqual({ id: '9-0', event, redriven: '5-1' });
  });

  it('finds the event among other fields, in any order', () => {
    expect(decodeEntry('2-0', ['origin', 'x', 'event', JSON.stringify(event)])).toEqual({
      id: '2-0',
      event,
    });
  });

  it.each([
    [['other', 'x'], 'no event field'],
    [['event', '{nope'], 'not JSON'],
    [['event', '[1]'], 'no event object'],
    [['event', 'null'], 'no event object'],
  ])('refuses %j', (fields, fragment) => {
    expect(() => decodeEntry('1-0', fields)).toThrow(fragment);
  });

  it('reads the append time from the id', () => {
    expect(appendedAt('1700000000123-7')).toBe(1_700_000_000_123);
  });
});
