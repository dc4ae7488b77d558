import type { EventJson } from './format';
import type { Trigger } from './triggers';

/** Knative's attribute filter: exact match of every attribute; no attributes match everything. */
export function matchesFilter(filter: Readonly<Record<string, string>>, event: EventJson): boolean {
  for (const name in filter) {
    const actual = event[name];
    if (actual === undefined || String(actual) !== filter[name]) return false;
  }
  return true;
}

/** Which triggers take an event: the indices (into the table) of those whose filter matches. */
export type Route = (event: EventJson) => number[];

/**
 * Routing at the ingress: an event goes to the stream of every trigger whose filter matches it,
 * and to no other, so no trigger reads (and skips) what it does not take. An event no filter
 * matches goes nowhere (Knative drops it too).
 */
export function routeFor(triggers: readonly Pick<Trigger, 'filter'>[]): Route {
  const filters = triggers.map((t) => t.filter);
  return (event) => {
    const targets: number[] = [];
    for (let i = 0; i < filters.length; i++) if (matchesFilter(filters[i]!, event)) targets.push(i);
    return targets;
  };
}
