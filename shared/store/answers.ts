import type { Db } from 'mongodb';
import type { AnswerView } from '../knowledge/index';
import { collections, type AnswerDoc } from './collections';

/** The newest answer version, or null before the first job ever finished. */
export function latestAnswer(db: Db): Promise<AnswerDoc | null> {
  return collections(db).answers.find({}).sort({ _id: -1 }).limit(1).next();
}

/** An answer document as `GET /multivac` serves it. */
export function answerToView(doc: AnswerDoc): AnswerView {
  return {
    status: doc.status,
    answer: doc.answer,
    confidence: doc.confidence,
    sources: doc.sources.map((s) => ({ n: s.n, title: s.title, ...(s.url ? { url: s.url } : {}) })),
    knowledgeVersion: doc.knowledgeVersion,
    updatedAt: doc.updatedAt.toISOString(),
  };
}
