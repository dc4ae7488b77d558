import { describe, expect, it } from 'vitest';
import { ScanPace } from './scan-pace';

function paced() {
  let now = 1_000;
  const pace = new ScanPace({
    intervalMs: 250,
    idleIntervalMs: 5_000,
    windowMs: 2_000,
    now: () => now,
  });
  return { pace, at: (t: number) => (now = 1_000 + t) };
}

describe('ScanPace', () => {
  it('scans at the full pace for a window after a start, then only every idle interval', () => {
    const { pace, at } = paced();
    expect(pace.due()).toBe(true);
    pace.scanned(false);
    at(1_900);
    expect(pace.due()).toBe(true); // a previous process's entries may come due
    pace.scanned(false);
    at(2_100);
    expect(pace.due()).toBe(false);
    at(6_899);
    expect(pace.due()).toBe(false);
    at(6_900);
    expect(pace.due()).toBe(true);
  });

  it('goes back to the full pace when a retry is scheduled, for the window', () => {
    const { pace, at } = paced();
    at(10_000);
    pace.scanned(false);
    at(10_100);
    expect(pace.due()).toBe(false);
    pace.expect();
    expect(pace.due()).toBe(true);
    at(12_099);
    expect(pace.due()).toBe(true);
    pace.scanned(false);
    at(12_100);
    expect(pace.due()).toBe(false);
  });

  it('stays at the full pace while scans leave entries for later', () => {
    const { pace, at } = paced();
    at(10_000);
    pace.scanned(true);
    at(11_500);
    expect(pace.due()).toBe(true);
    pace.scanned(true);
    at(13_400);
    expect(pace.due()).toBe(true);
  });
});
