import { existsSync, readFileSync } from 'node:fs';
import type { z } from 'zod';
import * as config from '../../../shared/config/index';
import { EventType, type EventTypeName } from '../../../shared/events/catalogue';
import { repoPath, walk } from './repo';

/** The zod schema of a function's configuration: `shared/config/<name>.ts` → `<name>Config`. */
export function configSchema(name: string): z.ZodObject | undefined {
  const schema = (config as Record<string, unknown>)[`${name}Config`];
  return schema && typeof schema === 'object' && 'shape' in schema
    ? (schema as z.ZodObject)
    : undefined;
}

/** Variables the schema cannot do without: parsing `undefined` for them fails. */
export function requiredVariables(schema: z.ZodObject): string[] {
  return Object.entries(schema.shape)
    .filter(([, field]) => !(field as z.ZodType).safeParse(undefined).success)
    .map(([key]) => key)
    .sort();
}

export const knownVariables = (schema: z.ZodObject): string[] => Object.keys(schema.shape);

/** The first argument of every `makeEvent(` call in `source`, up to its top-level comma. */
export function makeEventFirstArguments(source: string): string[] {
  const out: string[] = [];
  const pattern = /\bmakeEvent\s*(?:<[^>]*>)?\s*\(/g;
  for (let match = pattern.exec(source); match; match = pattern.exec(source)) {
    let depth = 0;
    let i = match.index + match[0].length;
    const start = i;
    for (; i < source.length; i++) {
      const c = source[i]!;
      if ('([{'.includes(c)) depth++;
      else if (')]}'.includes(c)) {
        if (depth === 0) break;
        depth--;
      } else if (c === ',' && depth === 0) break;
    }
    out.push(source.slice(start, i));
  }
  return out;
}

const typeByConstant = EventType as Record<string, EventTypeName>;

/**
 * The event types a function emits, read from its code: every `EventType.<Name>` inside the
 * first argument of a `makeEvent(` call in `functions/<name>/**\/*.ts`, tests excluded. An
 * unknown constant is reported as `unknown:<Name>`.
 */
export function emittedEventTypes(name: string): string[] {
  const files = walk(`functions/${name}`, (p) => p.endsWith('.ts') && !p.endsWith('.test.ts'));
  const types = new Set<string>();
  for (const file of files) {
    for (const argument of makeEventFirstArguments(readFileSync(repoPath(file), 'utf8'))) {
      for (const [, constant] of argument.matchAll(/\bEventType\.(\w+)/g)) {
        types.add(typeByConstant[constant!] ?? `unknown:${constant}`);
      }
    }
  }
  return [...types].sort();
}

/** The Functions Framework signature `functions/<name>/index.ts` registers, if it exists. */
export function registeredSignature(name: string): 'http' | 'cloudevent' | undefined {
  const index = repoPath('functions', name, 'index.ts');
  if (!existsSync(index)) return undefined;
  const source = readFileSync(index, 'utf8');
  if (/\bcloudEvent\s*(?:<[^>]*>)?\s*\(/.test(source)) return 'cloudevent';
  if (/\bhttp\s*\(/.test(source)) return 'http';
  return undefined;
}
