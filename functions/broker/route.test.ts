import { describe, expect, it } from 'vitest';
import { validateEvent } from './format';
import { matchesFilter, routeFor } from './route';

const event = validateEvent({
  specversion: '1.0',
  id: 'e1',
  source: '/multivac/data',
  type: 'dev.multivac.source.requested',
  count: 3,
  flag: true,
  data: { sourceId: 's1' },
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

describe('routeFor', () => {
  const route = routeFor([
    { filter: { type: 'dev.multivac.source.requested' } },
    { filter: { type: 'dev.multivac.other' } },
    { filter: {} },
    { filter: { type: 'dev.multivac.source.requested', source: '/multivac/data' } },
  ]);

  it('sends an event to every trigger whose filter matches, in table order', () => {
    expect(route(event)).toEqual([0, 2, 3]);
  });

  it('sends an event no filter matches nowhere', () => {
    expect(routeFor([{ filter: { type: 'x' } }])(event)).toEqual([]);
  });
});
