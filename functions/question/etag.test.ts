import { describe, expect, it } from 'vitest';
import { etagFor, matchesIfNoneMatch } from './etag';

describe('etagFor', () => {
  it.each([
    ['7', 'text', '"kv7-text"'],
    ['7', 'json', '"kv7-json"'],
    ['a"b', 'json', '"kvab-json"'],
  ] as const)('%s/%s → %s', (version, repr, tag) => expect(etagFor(version, repr)).toBe(tag));
});

describe('matchesIfNoneMatch', () => {
  const tag = '"kv7-json"';
  it.each([
    [undefined, false],
    ['"kv7-json"', true],
    ['W/"kv7-json"', true],
    ['"kv6-json", "kv7-json"', true],
    ['"kv7-text"', false],
    ['*', true],
    ['"kv70-json"', false],
  ])('%s → %s', (header, expected) => expect(matchesIfNoneMatch(header, tag)).toBe(expected));
});
