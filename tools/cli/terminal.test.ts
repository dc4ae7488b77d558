import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { wantsBar } from './terminal';

const stream = (isTTY: boolean) => Object.assign(new PassThrough(), { isTTY });

describe('wantsBar', () => {
  it('draws a bar on a terminal', () => {
    expect(wantsBar({ stdout: stream(true), env: { TERM: 'xterm-256color' } })).toBe(true);
    expect(wantsBar({ stdout: stream(true), env: { NO_COLOR: '' } })).toBe(true);
  });

  it('writes plain lines to a pipe, with NO_COLOR, and on a dumb terminal', () => {
    expect(wantsBar({ stdout: stream(false), env: {} })).toBe(false);
    expect(wantsBar({ stdout: new PassThrough(), env: {} })).toBe(false);
    expect(wantsBar({ stdout: stream(true), env: { NO_COLOR: '1' } })).toBe(false);
    expect(wantsBar({ stdout: stream(true), env: { TERM: 'dumb' } })).toBe(false);
  });
});
