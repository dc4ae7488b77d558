import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';
import * as z from '../../shared/zod/index';
import { durationMs } from './duration';

/**
 * The trigger table: multi-document YAML of Knative `eventing.knative.dev/v1` Trigger objects
 * (knative/base/triggers.yaml). What this broker cannot honour is refused rather than ignored,
 * so a table never means something other than what it says.
 */

/** One trigger, resolved: what the dispatcher needs. */
export interface Trigger {
  /** `metadata.name`; also the name of the trigger's consumer group. */
  readonly name: string;
  /** `spec.filter.attributes`: every attribute must equal its value; empty matches every event. */
  readonly filter: Readonly<Record<string, string>>;
  /** The subscriber's URL. */
  readonly subscriber: string;
  /** Retries after the first attempt (`spec.delivery.retry`). */
  readonly retry: number;
  readonly backoffPolicy: 'linear' | 'exponential';
  readonly backoffDelayMs: number;
  /** Per delivery attempt. */
  readonly timeoutMs: number;
  /** Where dead letters are POSTed; absent: the dead-letter stream. */
  readonly deadLetterSink?: string;
}

/**
 * Delivery defaults for a trigger that leaves them out: those of Knative's `config-br-defaults`
 * (10 retries, exponential from 0.2 s), and a 30 s timeout per attempt.
 */
export const DELIVERY_DEFAULTS = Object.freeze({
  retry: 10,
  backoffPolicy: 'exponential' as const,
  backoffDelay: 'PT0.2S',
  timeout: 'PT30S',
});

/** How a `spec.subscriber.ref` becomes a URL. */
export interface ResolveOptions {
  /** A URL with `{name}` and `{namespace}` placeholders (MULTIVAC_SUBSCRIBER_URL). */
  subscriberTemplate: string;
  /** The namespace of refs without one (MULTIVAC_NAMESPACE). */
  namespace: string;
}

/** A bad table: every problem found, each naming its document and trigger. */
export class TriggerTableError extends Error {
  override name = 'TriggerTableError';
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`invalid trigger table ${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const dnsLabel = z
  .string()
  .check(
    z.regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'must be a DNS label (lower-case, at most 63)'),
  );

const duration = z.string().check(
  z.superRefine((value: string, ctx) => {
    try {
      if (durationMs(value) <= 0) ctx.addIssue({ code: 'custom', message: 'must be positive' });
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  }),
);

const destination = z
  .strictObject({
    ref: z.optional(
      z.strictObject({
        apiVersion: z.optional(z.enum(['serving.knative.dev/v1', 'v1'])),
        kind: z.literal('Service', { message: 'only Service refs are resolved' }),
        name: dnsLabel,
        namespace: z.optional(dnsLabel),
      }),
    ),
    uri: z.optional(z.string().check(z.minLength(1))),
  })
  .check(z.refine((d) => d.ref !== undefined || d.uri !== undefined, 'needs a ref or a uri'));

const triggerSchema = z.object({
  apiVersion: z.literal('eventing.knative.dev/v1'),
  kind: z.literal('Trigger'),
  metadata: z.looseObject({ name: dnsLabel }),
  spec: z.strictObject({
    broker: z.optional(z.string()),
    filter: z.optional(
      z.strictObject({
        attributes: z.optional(
          z.record(z.string(), z.string()).check(
            z.superRefine((attributes: Record<string, string>, ctx) => {
              for (const name of Object.keys(attributes)) {
                if (!/^[a-z0-9]+$/.test(name))
                  ctx.addIssue({
                    code: 'custom',
                    path: [name],
                    message: 'attribute names are lower-case letters and digits',
                  });
              }
            }),
          ),
        ),
      }),
    ),
    subscriber: destination,
    delivery: z.optional(
      z.strictObject({
        retry: z.optional(z.number().check(z.int(), z.gte(0), z.lte(1000))),
        backoffPolicy: z.optional(z.enum(['linear', 'exponential'])),
        backoffDelay: z.optional(duration),
        timeout: z.optional(duration),
        deadLetterSink: z.optional(destination),
      }),
    ),
  }),
});

type Destination = z.output<typeof destination>;

/** The URL of a destination: `uri` alone, a ref through the template, or a ref plus a path. */
export function resolveDestination(dest: Destination, options: ResolveOptions): string {
  let url: URL;
  if (dest.ref) {
    const base = options.subscriberTemplate
      .replaceAll('{name}', dest.ref.name)
      .replaceAll('{namespace}', dest.ref.namespace ?? options.namespace);
    url = new URL(dest.uri ?? '', base);
  } else {
    url = new URL(dest.uri!);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`${url.href} is not an http or https URL`);
  }
  return url.href;
}

/** Parses and validates a table; throws TriggerTableError listing every problem. */
export function parseTriggerTable(
  text: string,
  options: ResolveOptions,
  file = '(table)',
): Trigger[] {
  const problems: string[] = [];
  const triggers: Trigger[] = [];
  const documents = parseAllDocuments(text);
  if (!Array.isArray(documents)) {
    throw new TriggerTableError(file, ['the file is not a YAML stream']);
  }
  documents.forEach((doc, index) => {
    const where = `document ${index + 1}`;
    if (doc.errors.length) {
      problems.push(`${where}: ${doc.errors.map((e) => e.message).join('; ')}`);
      return;
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return; // an empty document, e.g. after a final ---
    // Parsed once per process: no compiled fast path (see shared/config/parse.ts).
    const parsed = triggerSchema.safeParse(value, { jitless: true });
    const name = (value as { metadata?: { name?: unknown } }).metadata?.name;
    const label = typeof name === 'string' ? `${where} (${name})` : where;
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        problems.push(`${label}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
      }
      return;
    }
    const { metadata, spec } = parsed.data;
    const delivery = { ...DELIVERY_DEFAULTS, ...spec.delivery };
    try {
      triggers.push(
        Object.freeze({
          name: metadata.name,
          filter: Object.freeze({ ...spec.filter?.attributes }),
          subscriber: resolveDestination(spec.subscriber, options),
          retry: delivery.retry,
          backoffPolicy: delivery.backoffPolicy,
          backoffDelayMs: durationMs(delivery.backoffDelay),
          timeoutMs: durationMs(delivery.timeout),
          ...(spec.delivery?.deadLetterSink
            ? { deadLetterSink: resolveDestination(spec.delivery.deadLetterSink, options) }
            : {}),
        }),
      );
    } catch (err) {
      problems.push(`${label}: ${(err as Error).message}`);
    }
  });
  const seen = new Set<string>();
  for (const { name } of triggers) {
    if (seen.has(name)) problems.push(`trigger name "${name}" is used more than once`);
    seen.add(name);
  }
  if (!problems.length && !triggers.length) problems.push('the table holds no triggers');
  if (problems.length) throw new TriggerTableError(file, problems);
  return triggers;
}

/** Reads and validates the table file (MULTIVAC_TRIGGERS_FILE). */
export async function loadTriggerTable(file: string, options: ResolveOptions): Promise<Trigger[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new TriggerTableError(file, [`cannot read it: ${(err as Error).message}`]);
  }
  return parseTriggerTable(text, options, file);
}
