/**
 * The MongoDB-wire server the stack runs (FerretDB with its SQLite handler, unless MONGODB_URI or
 * a mongod says otherwise), measured the way docs/ferretdb.md reports it:
 * - the cost model: each query MultiVAC's hot paths make, at 1,000 and at 20,000 documents of
 *   ~1 KB (does it stay flat, or grow with the collection?);
 * - the findings: how concurrent writes behave and what the server refuses or gets wrong.
 * Everything runs against a fresh server and database started for this run.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { MongoClient, type Collection, type Db, type Document } from 'mongodb';
import { startServices } from '../services/index';
import { median, ratio } from './stats';
import type { Benchmark } from './types';

interface Passage extends Document {
  _id: string;
  documentId: string;
  terms: string[];
  score: number;
  text: string;
}

const SIZES = [1_000, 20_000] as const;

function passage(i: number): Passage {
  return {
    _id: `p-${i}`,
    documentId: `d-${Math.floor(i / 20)}`,
    terms: [`t${i % 97}`, `t${i % 13}`, 'entropi'],
    score: (i * 7919) % 1000,
    text: 'x'.repeat(900),
  };
}

/** Milliseconds per call of `op`, median of `times` sequential calls. */
async function timed(times: number, op: (i: number) => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await op(i);
    samples.push(performance.now() - started);
  }
  return median(samples);
}

/** The cost model at one collection size. */
async function costs(db: Db, size: number, quick: boolean): Promise<Record<string, number>> {
  const passages: Collection<Passage> = db.collection<Passage>(`passages_${size}`);
  for (let i = 0; i < size; i += 1000) {
    await passages.insertMany(
      Array.from({ length: Math.min(1000, size - i) }, (_, k) => passage(i + k)),
    );
  }
  await passages.createIndex({ terms: 1 });
  await passages.createIndex({ score: -1 });
  const facts = db.collection<{ _id: string; key: string }>(`facts_${size}`);
  await facts.insertMany(
    Array.from({ length: 5000 }, (_, i) => ({ _id: `f-${i}`, key: `k${i % 5}` })),
  );
  await facts.createIndex({ key: 1 });
  const n = quick ? 5 : 15;
  const pick = (i: number) => `p-${(i * 7907) % size}`;
  return {
    'findOne({_id}) hit': await timed(n, (i) => passages.findOne({ _id: pick(i) })),
    'findOne({_id}) miss': await timed(n, (i) => passages.findOne({ _id: `none-${i}` })),
    insertOne: await timed(n, (i) => passages.insertOne({ ...passage(size + i), _id: `new-${i}` })),
    'updateOne({_id}, $set)': await timed(n, (i) =>
      passages.updateOne({ _id: pick(i) }, { $set: { score: i } }),
    ),
    'deleteOne({_id})': await timed(n, (i) => passages.deleteOne({ _id: `new-${i}` })),
    'find({_id: {$in: 10 ids}})': await timed(n, (i) =>
      passages.find({ _id: { $in: Array.from({ length: 10 }, (_, k) => pick(i + k)) } }).toArray(),
    ),
    "find({terms: 'x'})": await timed(n, (i) => passages.find({ terms: `t${i % 97}` }).toArray()),
    'find().sort({score: -1}).limit(40)': await timed(n, () =>
      passages
        .find({ score: { $gt: 0 } })
        .sort({ score: -1, _id: 1 })
        .limit(40)
        .toArray(),
    ),
    estimatedDocumentCount: await timed(n, () => passages.estimatedDocumentCount()),
    'countDocuments({key}) of 5,000 facts': await timed(n, (i) =>
      facts.countDocuments({ key: `k${i % 5}` }),
    ),
  };
}

const settle = <T>(tasks: (() => Promise<T>)[]) => Promise.allSettled(tasks.map((t) => t()));
const duplicateKey = (r: PromiseSettledResult<unknown>) =>
  r.status === 'rejected' && /E11000|duplicate key/i.test(String((r.reason as Error).message));

/** What the server does under concurrency and with what MultiVAC avoids. One row each. */
async function findings(db: Db): Promise<{ probe: string; result: string }[]> {
  const rows: { probe: string; result: string }[] = [];
  const c = db.collection<{ _id: string; n?: number; members?: string[]; k?: string }>('probes');

  const inserts = await settle(Array.from({ length: 50 }, () => () => c.insertOne({ _id: 'one' })));
  rows.push({
    probe: 'insertOne of one _id, 50 concurrent',
    result: `${inserts.filter((r) => r.status === 'fulfilled').length} succeeded, ${inserts.filter(duplicateKey).length} E11000`,
  });

  await c.insertOne({ _id: 'counter', n: 0 });
  await settle(
    Array.from({ length: 100 }, () => () => c.updateOne({ _id: 'counter' }, { $inc: { n: 1 } })),
  );
  rows.push({
    probe: 'updateOne({_id}, {$inc}), 100 concurrent',
    result: `${(await c.findOne({ _id: 'counter' }))?.n ?? 0} of 100 increments kept`,
  });

  await c.insertOne({ _id: 'fan', n: 0, members: [] });
  let lastSeen = 0;
  await settle(
    Array.from({ length: 100 }, (_, i) => async () => {
      const after = await c.findOneAndUpdate(
        { _id: 'fan', members: { $ne: `m${i}` } },
        { $addToSet: { members: `m${i}` }, $inc: { n: 1 } },
        { returnDocument: 'after' },
      );
      if (after?.n === 100) lastSeen++;
    }),
  );
  const fan = await c.findOne({ _id: 'fan' });
  rows.push({
    probe: 'findOneAndUpdate ($addToSet + $inc, after), 100 concurrent',
    result: `count ${fan?.n ?? 0}, members ${fan?.members?.length ?? 0}, "last" seen ${lastSeen} times`,
  });

  const upserts = await settle(
    Array.from(
      { length: 50 },
      () => () => c.updateOne({ _id: 'up' }, { $setOnInsert: { k: 'v' } }, { upsert: true }),
    ),
  );
  const upserted = upserts.filter(
    (r) => r.status === 'fulfilled' && r.value.upsertedCount === 1,
  ).length;
  rows.push({
    probe: 'updateOne upsert $setOnInsert, 50 concurrent',
    result: `${upserted} upserted, ${upserts.filter((r) => r.status === 'fulfilled').length - upserted} no-ops, ${upserts.filter(duplicateKey).length} E11000`,
  });

  const ttl = await db
    .collection('ttl')
    .createIndex({ at: 1 }, { expireAfterSeconds: 60 })
    .then(
      () => 'accepted',
      (err: Error) => `refused: ${err.message.slice(0, 60)}`,
    );
  rows.push({ probe: 'TTL index (expireAfterSeconds)', result: ttl });

  const client = (db as unknown as { client: MongoClient }).client;
  const session = client.startSession();
  const txn = await session
    .withTransaction(() => c.insertOne({ _id: 'txn' }, { session }))
    .then(
      () => 'accepted',
      (err: Error) => `refused: ${err.message.slice(0, 60)}`,
    );
  await session.endSession();
  rows.push({ probe: 'transaction', result: txn });

  const sums = db.collection<{ g: string; v: number }>('sums');
  await sums.insertMany([
    { g: 'a', v: 2 },
    { g: 'a', v: 3 },
  ]);
  const [group] = await sums
    .aggregate<{ total: number }>([{ $group: { _id: '$g', total: { $sum: '$v' } } }])
    .toArray();
  rows.push({ probe: "$group {$sum: '$field'} of 2 + 3", result: `${group?.total ?? 'none'}` });

  await c.insertOne({ _id: 'list', members: ['a', 'b', 'c'] });
  await c.updateOne({ _id: 'list' }, { $push: { members: { $each: ['d'], $slice: -2 } } });
  rows.push({
    probe: '$push {$each, $slice: -2} onto 3 items',
    result: `${(await c.findOne({ _id: 'list' }))?.members?.length ?? 0} items kept`,
  });

  const bulk = await db
    .collection<{ _id: string; i?: number }>('bulk')
    .bulkWrite(
      Array.from({ length: 20 }, (_, i) => ({
        updateOne: { filter: { _id: `b${i % 10}` }, update: { $set: { i } }, upsert: true },
      })),
      { ordered: false },
    )
    .then(
      (r) => `${r.upsertedCount} upserted, ${r.modifiedCount} modified`,
      (err: Error) => `refused: ${err.message.slice(0, 60)}`,
    );
  rows.push({ probe: 'bulkWrite of 20 upserts over 10 ids, unordered', result: bulk });
  return rows;
}

export const run: Benchmark = async ({ quick }) => {
  const dir = await mkdtemp(join(tmpdir(), 'multivac-bench-store-'));
  const services = await startServices(dir);
  const client = new MongoClient(services.mongo.uri);
  try {
    await client.connect();
    const db = client.db('multivac_bench_store');
    const measured = new Map<number, Record<string, number>>();
    for (const size of quick ? [SIZES[0], 5_000] : SIZES)
      measured.set(size, await costs(db, size, quick));
    const [small, large] = [...measured.keys()];
    const rows: Record<string, string | number>[] = Object.keys(measured.get(small!)!).map(
      (op) => ({
        operation: op,
        [`ms at ${small}`]: Number(measured.get(small!)![op]!.toFixed(2)),
        [`ms at ${large}`]: Number(measured.get(large!)![op]!.toFixed(2)),
        [`${large}/${small}`]: ratio(measured.get(large!)![op]!, measured.get(small!)![op]!),
      }),
    );
    const found = await findings(db);
    for (const f of found) rows.push({ operation: f.probe, [`ms at ${small}`]: f.result });
    return {
      name: 'store',
      rows,
      notes: [
        `server: ${services.mongo.kind}; ~1 KB passages; median of ${quick ? 5 : 15} sequential calls; the last column is the growth from ${small} to ${large} documents (1.00× = flat)`,
        'the rows below the cost model are the findings: concurrent writes and what the server refuses or gets wrong',
      ],
      summary: rows
        .filter((r) => typeof r[`${large}/${small}`] === 'string')
        .map((r) => ({
          measurement: `${r.operation} at ${large}`,
          value: `${r[`ms at ${large}`]} ms`,
          baseline: `${r[`ms at ${small}`]} ms at ${small}`,
          ratio: String(r[`${large}/${small}`]),
        })),
    };
  } finally {
    await client.close();
    await services.stop();
    await rm(dir, { recursive: true, force: true });
  }
};
