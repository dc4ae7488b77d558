import * as z from '../zod/index';

/** Every event type MultiVAC carries (docs/architecture.md#events). Frozen: it is the contract. */
export const EventType = Object.freeze({
  SourceRequested: 'dev.multivac.source.requested',
  SourceAcquired: 'dev.multivac.source.acquired',
  SourceFailed: 'dev.multivac.source.failed',
  LearningRequested: 'dev.multivac.learning.requested',
  DocumentLearn: 'dev.multivac.document.learn',
  AnswerUpdated: 'dev.multivac.answer.updated',
} as const);

export type EventTypeName = (typeof EventType)[keyof typeof EventType];

/** Ids are opaque, URL- and key-safe strings (ObjectId hex, content hashes, UUIDs). */
export const entityId = z
  .string()
  .check(z.regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'must be 1-128 characters of [A-Za-z0-9_.:-]'));

const httpUrl = z
  .string()
  .check(
    z.maxLength(2048),
    z.refine((value: string) => {
      try {
        return ['http:', 'https:'].includes(new URL(value).protocol);
      } catch {
        return false;
      }
    }, 'must be an http or https URL'),
  )
  // What the refinement checks, for the JSON Schema of the catalogue (a refinement has none).
  .register(z.globalRegistry, { format: 'uri', pattern: '^[Hh][Tt][Tt][Pp][Ss]?:' });

/** The data schema of each type; strict so a typo never passes silently. */
export const eventDataSchemas = {
  [EventType.SourceRequested]: z
    .strictObject({ sourceId: entityId, url: httpUrl })
    .register(z.globalRegistry, { description: 'a page to fetch: its source and normalized URL' }),
  [EventType.SourceAcquired]: z
    .strictObject({ sourceId: entityId, documentId: entityId })
    .register(z.globalRegistry, {
      description: "a page was fetched; its main text is the document (its text's hash)",
    }),
  [EventType.SourceFailed]: z
    .strictObject({
      sourceId: entityId,
      reason: z.string().check(z.minLength(1), z.maxLength(500)),
    })
    .register(z.globalRegistry, {
      description: 'a page could not be fetched or read; `reason` says why',
    }),
  [EventType.LearningRequested]: z.strictObject({ jobId: entityId }).register(z.globalRegistry, {
    description: 'a learning job was queued: learn everything fed before it',
  }),
  [EventType.DocumentLearn]: z
    .strictObject({
      jobId: entityId,
      documentIds: z.array(entityId).check(z.minLength(1), z.maxLength(1000)),
      total: z.number().check(z.int(), z.positive()),
    })
    .register(z.globalRegistry, {
      description:
        "a batch of a job's planned documents to learn (passages and corpus statistics), with the job's total so no learner reads the plan",
    }),
  [EventType.AnswerUpdated]: z
    .strictObject({
      version: z.number().check(z.int(), z.nonnegative()),
      status: z.enum(['insufficient', 'answered']),
      confidence: z.number().check(z.gte(0), z.lte(1)),
    })
    .register(z.globalRegistry, { description: 'a new answer version was stored (for observers)' }),
} as const satisfies Record<EventTypeName, z.ZodMiniType>;

export type EventData<T extends EventTypeName> = z.output<(typeof eventDataSchemas)[T]>;

/** A validated MultiVAC event, discriminated by `type`. */
export type MultivacEvent = {
  [T in EventTypeName]: {
    type: T;
    data: EventData<T>;
    id: string;
    source: string;
    subject?: string;
  };
}[EventTypeName];

export const isEventType = (type: string): type is EventTypeName =>
  Object.prototype.hasOwnProperty.call(eventDataSchemas, type);
