import { validateEvent, type EventJson } from './codec';
import type { Trigger } from './triggers';

/**
 * One stream entry. Field `event` holds the CloudEvent in the JSON format, exactly as accepted;
 * a re-driven dead letter also names the one trigger that may deliver it (`trigger`) and the
 * dead letter it came from (`redriven`).
 */
export interface StreamEntry {
  readonly id: string;
  readonly event: EventJson;
  readonly trigger?: string;
  readonly redriven?: string;
}

/** The XADD field list of an entry. */
export function entryFields(
  event: EventJson | string,
  target?: { trigger: string; redriven: string },
): string[] {
  const fields = ['event', typeof event === 'string' ? event : JSON.stringify(event)];
  if (target) fields.push('trigger', target.trigger, 'redriven', target.redriven);
  return fields;
}

/** `[k1, v1, k2, v2, …]` as a record. */
export function fieldMap(fields: readonly string[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) map[fields[i]!] = fields[i + 1]!;
  return map;
}

/** Reads an entry; throws when it holds no valid event (written by something else than us). */
export function decodeEntry(id: string, fields: readonly string[]): StreamEntry {
  const map = fieldMap(fields);
  if (map.event === undefined) throw new Error(`entry ${id} has no event field`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(map.event);
  } catch {
    throw new Error(`entry ${id} holds an event that is not JSON`);
  }
  return {
    id,
    event: validateEvent(parsed, `entry ${id}`),
    ...(map.trigger ? { trigger: map.trigger } : {}),
    ...(map.redriven ? { redriven: map.redriven } : {}),
  };
}

/** When Redis appended the entry (the milliseconds part of its id). */
export const appendedAt = (id: string): number => Number(id.split('-')[0]);

/** Knative's attribute filter: exact match of every attribute; no attributes match everything. */
export function matchesFilter(filter: Readonly<Record<string, string>>, event: EventJson): boolean {
  for (const [name, expected] of Object.entries(filter)) {
    const actual = event[name];
    if (actual === undefined || String(actual) !== expected) return false;
  }
  return true;
}

/**
 * Whether `trigger` delivers the entry: a re-driven entry goes only to the trigger it names (and
 * to it whatever its filter says now); any other entry to every trigger whose filter matches.
 */
export function isFor(trigger: Pick<Trigger, 'name' | 'filter'>, entry: StreamEntry): boolean {
  return entry.trigger !== undefined
    ? entry.trigger === trigger.name
    : matchesFilter(trigger.filter, entry.event);
}
