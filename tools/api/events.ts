import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { EventType, eventDataSchemas, type EventTypeName } from '../../shared/events/index';
import { jsonSchemaOf, type JsonSchema } from './json-schema';

/** Where the catalogue's schemas are written, relative to the repository root. */
export const EVENTS_DIR = 'docs/api/events';
export const TRIGGERS_FILE = 'knative/base/triggers.yaml';

/** One CloudEvent type: who publishes it, who the broker delivers it to, and its JSON Schema. */
export interface CatalogueEntry {
  type: EventTypeName;
  description: string;
  producers: string[];
  consumers: string[];
  /** `docs/api/events/<type>.schema.json`. */
  file: string;
  schema: JsonSchema;
}

/**
 * The envelope in structured mode (CloudEvents 1.0 JSON format) around the catalogue's data schema.
 * Documentation only: the functions check envelopes with the CloudEvents SDK (`shared/events`).
 */
function envelope(type: EventTypeName) {
  return z.object({
    specversion: z.literal('1.0'),
    type: z.literal(type),
    source: z.string().min(1).meta({ description: 'the producer: `/multivac/<function>`' }),
    id: z
      .string()
      .min(1)
      .meta({
        description:
          'deterministic where it matters: a re-published event keeps its id, so `source` + `id` ' +
          'make a duplicate recognizable (the broker drops it, consumers absorb it)',
      }),
    time: z.iso.datetime({ offset: true }).optional().meta({ description: 'when it was made' }),
    datacontenttype: z.literal('application/json').optional(),
    subject: z.string().min(1).optional().meta({ description: 'what it is about, where set' }),
    traceparent: z.string().optional().meta({
      description: 'W3C trace context (the CloudEvents distributed-tracing extension)',
    }),
    data: eventDataSchemas[type],
  });
}

/** Event type → the functions whose triggers subscribe to it (knative/base/triggers.yaml). */
function consumersByType(root: string): Map<string, string[]> {
  const byType = new Map<string, string[]>();
  for (const doc of parseAllDocuments(readFileSync(join(root, TRIGGERS_FILE), 'utf8'))) {
    const trigger = doc.toJS() as {
      spec?: {
        filter?: { attributes?: { type?: string } };
        subscriber?: { ref?: { name?: string } };
      };
    } | null;
    const type = trigger?.spec?.filter?.attributes?.type;
    const name = trigger?.spec?.subscriber?.ref?.name;
    if (type && name) byType.set(type, [...new Set([...(byType.get(type) ?? []), name])].sort());
  }
  return byType;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

/**
 * Event type → the functions that publish it: every `makeEvent(EventType.X, …)` in a function's
 * sources. Read from the code so that the catalogue cannot claim a producer that is not one.
 */
function producersByType(root: string): Map<string, string[]> {
  const byType = new Map<string, string[]>();
  const functionsDir = join(root, 'functions');
  for (const fn of readdirSync(functionsDir).sort()) {
    if (!statSync(join(functionsDir, fn)).isDirectory()) continue;
    for (const file of sourceFiles(join(functionsDir, fn))) {
      for (const [, key] of readFileSync(file, 'utf8').matchAll(
        /makeEvent\(\s*EventType\.(\w+)/g,
      )) {
        const type = (EventType as Record<string, string>)[key!];
        if (!type)
          throw new Error(`${relative(root, file)}: EventType.${key} is not in the catalogue`);
        byType.set(type, [...new Set([...(byType.get(type) ?? []), fn])].sort());
      }
    }
  }
  return byType;
}

/** Every event type of `shared/events` with its producers, consumers and JSON Schema. */
export function eventCatalogue(root: string): CatalogueEntry[] {
  const consumers = consumersByType(root);
  const producers = producersByType(root);
  return (Object.values(EventType) as EventTypeName[]).map((type) => {
    const description = String(z.globalRegistry.get(eventDataSchemas[type])?.description ?? '');
    const made = producers.get(type) ?? [];
    if (!made.length) throw new Error(`no function publishes ${type} (makeEvent(EventType.…))`);
    const to = consumers.get(type) ?? [];
    const delivery = to.length
      ? `Delivered by the broker to ${to.map((c) => `\`${c}\``).join(', ')}.`
      : 'No function subscribes to it: it is for observers.';
    return {
      type,
      description,
      producers: made,
      consumers: to,
      file: `${EVENTS_DIR}/${type}.schema.json`,
      schema: {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        title: type,
        description:
          `${description}. Published by ${made.map((p) => `\`${p}\``).join(', ')}. ${delivery} ` +
          'A CloudEvent 1.0 in structured mode (in binary mode the attributes are `ce-*` ' +
          'headers and the body is `data`).',
        ...jsonSchemaOf(envelope(type), 'input'),
      },
    };
  });
}
