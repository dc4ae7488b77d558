import type { Db } from 'mongodb';
import type { Cache } from '../../shared/cache/index';
import type { Emit } from '../../shared/events/index';
import type { FanIn } from '../../shared/fan-in/index';
import type { Query, Thresholds } from '../../shared/knowledge/index';
import type { Logger } from '../../shared/log/index';
import type { WaitRegistry } from './wait-registry';

/** What every learn handler needs; injected so tests and the function wire the same code. */
export interface LearnDeps {
  db(): Promise<Db>;
  emit: Emit;
  cache: Cache;
  cacheTtlSeconds: number;
  /** The jobs' counts: the sources each waits for, then the documents it learns. */
  fanIn: FanIn;
  /** Which job waits for which source, for the cheap check on every fetch outcome. */
  waits: WaitRegistry;
  /** Documents per `document.learn` event (and per bulk write). */
  batchSize: number;
  /** The question's query, built on first use: segmenting it loads ICU's word rules (~10 ms). */
  query(): Query;
  thresholds: Thresholds;
  /** Observes the confidence of each answer this process stores. */
  onAnswer?(confidence: number): void;
}

export type Log = Logger;

/** The source attribute of every event `learn` publishes. */
export const SOURCE = '/multivac/learn';

/** Claim ids: a document learned by one job, a source waited for by one job. */
export const learnClaim = (documentId: string) => `learn|${documentId}`;
export const waitClaim = (sourceId: string) => `wait|${sourceId}`;

/** Fan-in members: a document of the job's plan, a source the job waited for. */
export const documentMember = (documentId: string) => `doc:${documentId}`;
export const sourceMember = (sourceId: string) => `src:${sourceId}`;
