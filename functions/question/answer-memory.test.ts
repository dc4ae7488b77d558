import { describe, expect, it } from 'vitest';
import { AnswerMemory } from './answer-memory';

describe('how long question serves the answer it holds', () => {
  const memory = () => new AnswerMemory<string>(1000, 60_000);

  it('holds nothing at first', () => expect(memory().get(0)).toBeUndefined());

  it('while not subscribed: at most maxStaleMs', () => {
    const m = memory();
    m.set('v1', 1, 10_000);
    expect(m.get(10_999)).toBe('v1');
    expect(m.get(11_000)).toBeUndefined();
  });

  it('while subscribed: until a newer version is announced, at most maxAgeMs', () => {
    const m = memory();
    m.subscribed(true);
    m.set('v1', 1, 0);
    expect(m.get(59_999)).toBe('v1');
    expect(m.get(60_000)).toBeUndefined();
    m.set('v1', 1, 0);
    m.announced(1); // its own version: still current
    expect(m.get(5)).toBe('v1');
    m.announced(2);
    expect(m.get(6)).toBeUndefined();
  });

  it('forgets what it holds when the subscription breaks or starts (announcements may be lost)', () => {
    const m = memory();
    m.subscribed(true);
    m.set('v1', 1, 0);
    m.subscribed(false);
    expect(m.get(1)).toBeUndefined();
    m.set('v1', 1, 2); // read while not subscribed …
    m.subscribed(true); // … then subscribed: what changed in between was never announced
    expect(m.get(3)).toBeUndefined();
  });

  it('does not hold a version older than one announced meanwhile (a read that began before it)', () => {
    const m = memory();
    m.subscribed(true);
    m.announced(6);
    m.set('v5', 5, 10);
    expect(m.get(11)).toBeUndefined();
    m.set('v6', 6, 12);
    expect(m.get(13)).toBe('v6');
  });

  it('never replaces a newer version it holds with an older one', () => {
    const m = memory();
    m.set('v7', 7, 0);
    m.set('v6', 6, 1);
    expect(m.get(2)).toBe('v7');
  });
});
