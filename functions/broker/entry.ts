import type { EventJson } from './format';

/**
 * One entry of a trigger's stream. Field `event` holds the CloudEvent in the JSON format, exactly
 * as accepted; a re-driven dead letter also names the dead letter it came from (`redriven`).
 */
export interface StreamEntry {
  readonly id: string;
  readonly event: EventJson;
  readonly redriven?: string;
}

/** `[k1, v1, k2, v2, …]` as a record. */
export function fieldMap(fields: readonly string[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) map[fields[i]!] = fields[i + 1]!;
  return map;
}

/**
 * Reads an entry. The broker wrote it from an event its ingress validated, so it is parsed, not
 * validated again; it throws only for an entry something else wrote (no event, not a JSON
 * object), which is dead-lettered as unreadable.
 */
export function decodeEntry(id: string, fields: readonly string[]): StreamEntry {
  // The broker writes `event` first; anything else is looked up.
  const map = fields[0] === 'event' && fields.length === 2 ? undefined : fieldMap(fields);
  const json = map ? map.event : fields[1];
  if (json === undefined) throw new Error(`entry ${id} has no event field`);
  let event: unknown;
  try {
    event = JSON.parse(json);
  } catch {
    throw new Error(`entry ${id} holds an event that is not JSON`);
  }
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw new Error(`entry ${id} holds no event object`);
  }
  return map?.redriven
    ? { id, event: event as EventJson, redriven: map.redriven }
    : { id, event: event as EventJson };
}

/** When Redis appended the entry (the milliseconds part of its id). */
export const appendedAt = (id: string): number => Number(id.slice(0, id.indexOf('-')));
