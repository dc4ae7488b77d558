import type { Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { learnDocuments } from '../../functions/learn/learn-documents';
import { theQuery } from '../../shared/knowledge/index';
import { collections, createStore, type Store } from '../../shared/store/index';
import { generatedText } from '../corpus/generated';
import { servers, uniqueDbName } from '../support/isolation';

let store: Store;
let db: Db;

beforeAll(async () => {
  store = createStore({ uri: servers().mongoUri, dbName: uniqueDbName('learndocs') });
  db = await store.db();
});
afterAll(async () => {
  await db.dropDatabase().catch(() => {});
  await store.close();
});

const pages = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, n) => {
    const page = generatedText(n);
    return {
      _id: `${prefix}-${n}`,
      sourceIds: [`src-${prefix}-${n}`],
      title: page.title,
      text: page.text,
      createdAt: new Date(),
    };
  });

describe('learning a batch of documents', () => {
  // FerretDB 1.24 deadlocks on one update command of 100 statements (docs/ferretdb.md): a batch
  // of 150 must still be learned, in a bounded number of commands.
  it(
    'learns 150 documents at once, every passage and contribution stored',
    { timeout: 30_000 },
    async () => {
      const docs = Array.from({ length: 150 }, (_, n) => {
        const page = generatedText(n);
        return {
          _id: `doc-${n}`,
          sourceIds: [`src-${n}`],
          title: page.title,
          text: page.text,
          createdAt: new Date(),
        };
      });
      const { documents, passages } = collections(db);
      await documents.insertMany(docs);
      expect(await learnDocuments(db, docs, 'job-big', theQuery())).toBe(150);
      const learned = await documents.find({ learnedBy: 'job-big' }).toArray();
      expect(learned).toHaveLength(150);
      expect(learned.every((d) => d.contribution !== undefined)).toBe(true);
      expect(await passages.countDocuments()).toBeGreaterThan(150);
      // Already learned: a redelivery changes nothing.
      expect(await learnDocuments(db, learned, 'job-big', theQuery())).toBe(0);
    },
  );

  // FerretDB holds each statement of an update command on one of its 100 pooled connections
  // until the command ends: learn's concurrent deliveries must not fill the pool together.
  it('learns eight batches of 60 at the same time', { timeout: 30_000 }, async () => {
    const batches = ['s', 't', 'u', 'v', 'w', 'x', 'y', 'z'].map((prefix) => pages(prefix, 60));
    await collections(db).documents.insertMany(batches.flat());
    const learned = await Promise.all(
      batches.map((docs, n) => learnDocuments(db, docs, `job-together-${n}`, theQuery())),
    );
    expect(learned).toEqual(Array(8).fill(60));
  });
});
