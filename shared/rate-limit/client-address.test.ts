import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientAddress } from './client-address';

const req = (xff: string | undefined, peer = '10.0.0.9') =>
  ({
    headers: xff === undefined ? {} : { 'x-forwarded-for': xff },
    socket: { remoteAddress: peer },
  }) as unknown as IncomingMessage;

describe('clientAddress', () => {
  it.each([
    ['one proxy appended the client', '203.0.113.7', 1, '203.0.113.7'],
    ['a forged left-most entry is ignored', '1.1.1.1, 203.0.113.7', 1, '203.0.113.7'],
    ['two trusted hops', '1.1.1.1, 203.0.113.7, 10.1.1.1', 2, '203.0.113.7'],
    ['no header: the peer', undefined, 1, '10.0.0.9'],
    ['no trusted proxy: the peer', '203.0.113.7', 0, '10.0.0.9'],
    ['fewer entries than hops: the peer', '203.0.113.7', 2, '10.0.0.9'],
    ['empty entries are skipped', ' , 203.0.113.7 ,', 1, '203.0.113.7'],
  ])('%s', (_name, xff, hops, expected) => {
    expect(clientAddress(req(xff), hops)).toBe(expected);
  });
});
