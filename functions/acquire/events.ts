import type { CloudEvent } from 'cloudevents';
import { EventType, makeEvent, type EventData } from '../../shared/events/index';
import type { SourceDoc } from '../../shared/store/index';

/** The CloudEvents `source` of everything `acquire` publishes. */
export const EVENT_SOURCE = '/multivac/acquire';

type Request = Pick<SourceDoc, '_id' | 'requestedAt'>;

/**
 * Outcome event ids are derived from the source and the request they answer (its `requestedAt`),
 * so a re-publish after a redelivery is a duplicate the broker and consumers recognise, while a
 * new request of the same source (re-submitted after a failure) gets a new id.
 */
export const acquiredEventId = (source: Request) =>
  `source.acquired:${source._id}:${source.requestedAt.getTime()}`;

export const failedEventId = (source: Request) =>
  `source.failed:${source._id}:${source.requestedAt.getTime()}`;

/** `dev.multivac.source.acquired` {sourceId, documentId}. */
export function acquiredEvent(
  source: Request,
  documentId: string,
): CloudEvent<EventData<typeof EventType.SourceAcquired>> {
  return makeEvent(
    EventType.SourceAcquired,
    { sourceId: source._id, documentId },
    { source: EVENT_SOURCE, id: acquiredEventId(source), subject: source._id },
  );
}

/** `dev.multivac.source.failed` {sourceId, reason}. */
export function failedEvent(
  source: Request,
  reason: string,
): CloudEvent<EventData<typeof EventType.SourceFailed>> {
  return makeEvent(
    EventType.SourceFailed,
    { sourceId: source._id, reason },
    { source: EVENT_SOURCE, id: failedEventId(source), subject: source._id },
  );
}
