import type { Db, MongoClient, MongoClientOptions } from 'mongodb';

export interface StoreOptions {
  uri: string;
  dbName: string;
  /** Shows up in server logs and `currentOp`. */
  appName?: string;
  clientOptions?: MongoClientOptions;
  /**
   * Told the name of every command the driver sends (its command monitoring): how many round
   * trips a function makes is the figure that matters on a server that scans.
   */
  onCommand?: (name: string) => void;
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
/** A client that has not heard from its server for this long, and knows of no server, is replaced. */
const STUCK_MS = 15_000;

export function createStore({
  uri,
  dbName,
  appName = 'multivac',
  clientOptions,
  onCommand,
}: StoreOptions): Store {
  let connecting: Promise<{ client: MongoClient; db: Db; stuck(): boolean }> | undefined;
  const connect = async () => {
    const { MongoClient } = await import('mongodb');
    const client = new MongoClient(uri, {
      appName,
      serverSelectionTimeoutMS: 5000,
      connectTimeoutMS: 5000,
      heartbeatFrequencyMS: 5000,
      // Writes are made idempotent by the callers; retrying them is therefore safe.
      retryWrites: true,
      ...(onCommand ? { monitorCommands: true } : {}),
      ...clientOptions,
    });
    if (onCommand) client.on('commandStarted', (event) => onCommand(event.commandName));
    // Driver 7 against FerretDB 1.24 can, after a graceful server restart, keep a monitor whose
    // check never finishes: every operation then fails with a server-selection error until the
    // process dies (docs/reliability.md). Such a client is recognised by silence — no successful
    // heartbeat for STUCK_MS while it knows of no usable server — and replaced.
    let heardAt = Date.now();
    let known = true;
    client.on('serverHeartbeatSucceeded', () => {
      heardAt = Date.now();
    });
    client.on('topologyDescriptionChanged', (event) => {
      known = [...event.newDescription.servers.values()].some((d) => d.type !== 'Unknown');
      if (known) heardAt = Date.now();
    });
    await client.connect();
    return {
      client,
      db: client.db(dbName),
      stuck: () => !known && Date.now() - heardAt > STUCK_MS,
    };
  };
  return {
    async db() {
      const current = connecting;
      if (current) {
        const open = await current.catch(() => undefined);
        if (open?.stuck() && connecting === current) {
          connecting = undefined;
          void open.client.close(true).catch(() => {});
        }
      }
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
