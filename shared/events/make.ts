import { nodeCrypto } from '../runtime/node-crypto';
import { CloudEvent } from 'cloudevents';
import { eventDataSchemas, type EventData, type EventTypeName } from './catalogue';
import { EventValidationError, describeIssues } from './errors';

export interface MakeEventOptions {
  /** `/multivac/<function>`. */
  source: string;
  /**
   * A deterministic id makes a re-emitted event (after a crash and redelivery) a duplicate the
   * broker and consumers recognise by `source` + `id`; random by default.
   */
  id?: string;
  subject?: string;
  /** W3C trace context to propagate (the CloudEvents distributed-tracing extension). */
  traceparent?: string;
}

/** Builds a CloudEvent 1.0 whose data is validated against the catalogue (fails before sending). */
export function makeEvent<T extends EventTypeName>(
  type: T,
  data: EventData<T>,
  { source, id = nodeCrypto().randomUUID(), subject, traceparent }: MakeEventOptions,
): CloudEvent<EventData<T>> {
  const parsed = eventDataSchemas[type].safeParse(data);
  if (!parsed.success) {
    throw new EventValidationError(
      `invalid data for ${type}: ${describeIssues(parsed.error.issues)}`,
    );
  }
  return new CloudEvent<EventData<T>>({
    specversion: '1.0',
    type,
    source,
    id,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    data: parsed.data as EventData<T>,
    ...(subject ? { subject } : {}),
    ...(traceparent ? { traceparent } : {}),
  });
}
