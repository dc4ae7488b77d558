import type { Db, MongoClient, MongoClientOptions } from 'mongodb';

export interface StoreOptions {
  uri: string;
  dbName: string;
  /** Shows up in server logs and `currentOp`. */
  appName?: string;
  clientOptions?: MongoClientOptions;
}

export interface Store {
  /** The database, connecting on first use; the client is reused for the life of the process. */
  db(): Promise<Db>;
  /** Closes the client if it was ever opened; a later db() opens a new one. */
  close(): Promise<void>;
}

/**
 * A lazily connected, reused MongoClient. The driver itself is imported on first use so that a
 * cold start does not pay for it before the first request needs the database.
 */
export function createStore({
  uri,
  dbName,
  appName = 'multivac',
  clientOptions,
}: StoreOptions): Store {
  let connecting: Promise<{ client: MongoClient; db: Db }> | undefined;
  const connect = async () => {
    const { MongoClient } = await import('mongodb');
    const client = new MongoClient(uri, {
      appName,
      serverSelectionTimeoutMS: 5000,
      connectTimeoutMS: 5000,
      // Writes are made idempotent by the callers; retrying them is therefore safe.
      retryWrites: true,
      ...clientOptions,
    });
    await client.connect();
    return { client, db: client.db(dbName) };
  };
  return {
    async db() {
      connecting ??= connect().catch((err: unknown) => {
        connecting = undefined; // the next call tries again rather than caching the failure
        throw err;
      });
      return (await connecting).db;
    },
    async close() {
      const pending = connecting;
      connecting = undefined;
      if (pending)
        await pending.then(
          ({ client }) => client.close(),
          () => {},
        );
    },
  };
}
