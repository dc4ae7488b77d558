import { describe, expect, it } from 'vitest';
import { validateEvent } from './codec';
import { appendedAt, decodeEntry, entryFields, isFor, matchesFilter } from './entry';

const event = validateEvent({
  specversion: '1.0',
  id: 'e1',
  source: '/multivac/data',
  type: 'dev.multivac.source.requested',
  count: 3,
  flag: true,
  data: { sourceId: 's1' },
});

describe('entries', () => {
  it('round-trips an event', () => {
    expect(decodeEntry('1-0', entryFields(event))).toEqual({ id: '1-0', event });
  });

  it('round-trips a re-driven event with its trigger', () => {
    const fields = entryFields(event, { trigger: 'learn', redriven: '5-1' });
    expect(decodeEntry('9-0', fields)).toEqual({
      id: '9-0',
      event,
      trigger: 'learn',
      redriven: '5-1',
    });
  });

  it.each([
    [['other', 'x'], 'no event field'],
    [['event', '{nope'], 'not JSON'],
    [['event', '{"id":"x"}'], 'invalid CloudEvent'],
  ])('refuses %j', (fields, fragment) => {
    expect(() => decodeEntry('1-0', fields)).toThrow(fragment);
  });

  it('reads the append time from the id', () => {
    expect(appendedAt('1700000000123-7')).toBe(1_700_000_000_123);
  });
});

describe('matchesFilter', () => {
  it.each([
    [{}, true],
    [{ type: 'dev.multivac.source.requested' }, true],
    [{ type: 'dev.multivac.source.requested', source: '/multivac/data' }, true],
    [{ type: 'dev.multivac.source.requested', source: '/multivac/other' }, false],
    [{ type: 'dev.multivac.source' }, false],
    [{ subject: 'x' }, false],
    [{ count: '3' }, true],
    [{ flag: 'true' }, true],
    [{ flag: 'TRUE' }, false],
  ])('%j → %s', (filter, expected) => {
    expect(matchesFilter(filter, event)).toBe(expected);
  });
});

describe('isFor', () => {
  const acquire = { name: 'acquire', filter: { type: 'dev.multivac.source.requested' } };
  const learn = { name: 'learn', filter: { type: 'dev.multivac.other' } };

  it('follows the filter for ordinary entries', () => {
    const entry = decodeEntry('1-0', entryFields(event));
    expect([isFor(acquire, entry), isFor(learn, entry)]).toEqual([true, false]);
  });

  it('sends a re-driven entry only to its trigger, whatever the filters say', () => {
    const entry = decodeEntry('1-0', entryFields(event, { trigger: 'learn', redriven: '1-1' }));
    expect([isFor(acquire, entry), isFor(learn, entry)]).toEqual([false, true]);
  });
});
