/** MultiVAC's CloudEvents: the catalogue, construction, validation and publishing. */
export {
  EventType,
  eventDataSchemas,
  entityId,
  isEventType,
  type EventTypeName,
  type EventData,
  type MultivacEvent,
} from './catalogue';
export { makeEvent, type MakeEventOptions } from './make';
export { parseEvent, eventsFromHttp, type IncomingEvent } from './parse';
export {
  createEmitter,
  httpSinkTransport,
  isRetryableStatus,
  type Emit,
  type EmitterOptions,
} from './emit';
export { EmitError, EventValidationError } from './errors';
