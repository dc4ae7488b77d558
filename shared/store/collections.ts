import type { Collection, Db } from 'mongodb';
import type { CorpusStats, DocumentContribution } from '../knowledge/index';

/** Collection names (docs/architecture.md#data-model). */
export const CollectionName = Object.freeze({
  sources: 'sources',
  documents: 'documents',
  passages: 'passages',
  terms: 'terms',
  jobs: 'jobs',
  answers: 'answers',
  processedEvents: 'processed_events',
  fanIn: 'fan_in',
  claims: 'claims',
  plans: 'plans',
  planPages: 'plan_pages',
} as const);

/** The states of a source, in the order a fetched page passes through them. */
export const SOURCE_STATES = ['requested', 'fetching', 'acquired', 'failed'] as const;
export type SourceState = (typeof SOURCE_STATES)[number];

/** What a source is: a page to fetch, or raw text posted as it is. */
export const SOURCE_KINDS = ['url', 'text'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** A URL (or raw text) fed to MultiVAC. `_id` is the sourceId; `url` is normalized and unique. */
export interface SourceDoc {
  _id: string;
  url: string;
  kind: SourceKind;
  state: SourceState;
  reason?: string;
  documentId?: string;
  title?: string;
  /** Deliveries of the current request that started a fetch (`acquire`; reset by a new request). */
  attempts?: number;
  requestedAt: Date;
  updatedAt: Date;
}

/** Extracted text. `_id` is the SHA-256 of the normalized text, so duplicates collapse. */
export interface DocumentDoc {
  _id: string;
  sourceIds: string[];
  url?: string;
  title: string;
  text: string;
  createdAt: Date;
  /** The job that learned it (passages stored, contribution computed); absent until then. */
  learnedBy?: string;
  learnedAt?: Date;
  /** What it adds to the corpus statistics (`shared/knowledge`), written once when learned. */
  contribution?: DocumentContribution;
}

/** One passage of a document with its stemmed terms (multikey index) and term frequencies. */
export interface PassageDoc {
  _id: string;
  documentId: string;
  index: number;
  text: string;
  terms: string[];
  tf: Record<string, number>;
  length: number;
  score: number;
}

export interface TermDoc {
  _id: string;
  df: number;
}

/** The states of a learning job; `succeeded` and `failed` are final. */
export const JOB_STATES = ['queued', 'running', 'succeeded', 'failed'] as const;
export type JobState = (typeof JOB_STATES)[number];

/** A learning job (docs/architecture.md#http-api): its counters are final once it has finished. */
export interface JobDoc {
  _id: string;
  state: JobState;
  createdAt: Date;
  startedAt?: Date;
  finishedAt?: Date;
  /** Members the job waits for: documents to learn and sources still being fetched. */
  total?: number;
  done?: number;
  failed?: number;
  reason?: string;
  /** The answer version this job produced. */
  answerVersion?: number;
}

export interface AnswerSource {
  n: number;
  url?: string;
  title: string;
}

/** One answer version; the newest is the current answer. */
export interface AnswerDoc {
  _id: number;
  status: 'insufficient' | 'answered';
  answer: string;
  confidence: number;
  sources: AnswerSource[];
  knowledgeVersion: string;
  updatedAt: Date;
  /** The learning job that produced this version (a redelivered completion finds it). */
  jobId?: string;
  /** The corpus statistics the answer was planned with. */
  stats?: CorpusStats;
}

/** "This consumer has handled this event" — expires (TTL index or sweep). */
export interface ProcessedEventDoc {
  _id: string;
  expiresAt: Date;
}

/** One member counted towards a fan-in `key` (e.g. a document of a job), with its outcome. */
export interface FanInDoc {
  _id: string;
  key: string;
  member: string;
  outcome: 'done' | 'failed';
  at: Date;
}

/** A unique claim: whoever inserted it first owns it. */
export interface ClaimDoc {
  _id: string;
  owner: string;
  at: Date;
}

/** The lists a learning job keeps: the sources it waits for, then the documents it learns. */
export type JobListKind = 'waits' | 'plan';

/**
 * A job's list, committed once by whichever delivery of its event inserts this header first (a
 * unique insert: the one write atomic on every supported server). `_id` is `<kind>|<jobId>`; the
 * ids themselves are in `pages` pages of `plan_pages` written by `attempt`, so that no list, however
 * long, comes near the 16 MiB document limit.
 */
export interface JobListDoc {
  _id: string;
  jobId: string;
  kind: JobListKind;
  attempt: string;
  pages: number;
  /** How many ids the list holds. */
  count: number;
  createdAt: Date;
}

/** One page of a job's list: `_id` is `<kind>|<jobId>|<attempt>|<page>`. */
export interface JobListPageDoc {
  _id: string;
  ids: string[];
}

export interface Collections {
  sources: Collection<SourceDoc>;
  documents: Collection<DocumentDoc>;
  passages: Collection<PassageDoc>;
  terms: Collection<TermDoc>;
  jobs: Collection<JobDoc>;
  answers: Collection<AnswerDoc>;
  processedEvents: Collection<ProcessedEventDoc>;
  fanIn: Collection<FanInDoc>;
  claims: Collection<ClaimDoc>;
  plans: Collection<JobListDoc>;
  planPages: Collection<JobListPageDoc>;
}

/** Typed handles on every collection of `db`. */
export function collections(db: Db): Collections {
  return {
    sources: db.collection<SourceDoc>(CollectionName.sources),
    documents: db.collection<DocumentDoc>(CollectionName.documents),
    passages: db.collection<PassageDoc>(CollectionName.passages),
    terms: db.collection<TermDoc>(CollectionName.terms),
    jobs: db.collection<JobDoc>(CollectionName.jobs),
    answers: db.collection<AnswerDoc>(CollectionName.answers),
    processedEvents: db.collection<ProcessedEventDoc>(CollectionName.processedEvents),
    fanIn: db.collection<FanInDoc>(CollectionName.fanIn),
    claims: db.collection<ClaimDoc>(CollectionName.claims),
    plans: db.collection<JobListDoc>(CollectionName.plans),
    planPages: db.collection<JobListPageDoc>(CollectionName.planPages),
  };
}
