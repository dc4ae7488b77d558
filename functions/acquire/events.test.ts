import { describe, expect, it } from 'vitest';
import { EventType } from '../../shared/events/index';
import { EVENT_SOURCE, acquiredEvent, failedEvent } from './events';

const source = { _id: 'src-1', requestedAt: new Date(1_700_000_000_123) };

describe('outcome events', () => {
  it('have ids fixed by the source and its request', () => {
    const a = acquiredEvent(source, 'doc-1');
    expect(a).toMatchObject({
      type: EventType.SourceAcquired,
      source: EVENT_SOURCE,
      id: 'source.acquired:src-1:1700000000123',
      subject: 'src-1',
      data: { sourceId: 'src-1', documentId: 'doc-1' },
    });
    expect(acquiredEvent(source, 'doc-1').id).toBe(a.id);
    const f = failedEvent(source, 'server answered 404');
    expect(f).toMatchObject({
      type: EventType.SourceFailed,
      id: 'source.failed:src-1:1700000000123',
      data: { sourceId: 'src-1', reason: 'server answered 404' },
    });
  });

  it('differ for a new request of the same source', () => {
    const later = { ...source, requestedAt: new Date(1_700_000_999_000) };
    expect(failedEvent(later, 'x').id).not.toBe(failedEvent(source, 'x').id);
  });
});
