import { type Collection, type Db, type Document, type IndexDescription, MongoClient } from "mongodb";

export type Database = { client: MongoClient; db: Db; close(): Promise<void> };

/** Small pool and short timeouts: the Pi has little memory, and a dead database should show fast. */
export async function connectDatabase(uri: string, dbName: string): Promise<Database> {
  const client = new MongoClient(uri, {
    maxPoolSize: 10,
    serverSelectionTimeoutMS: 5_000,
    connectTimeoutMS: 5_000,
    appName: "auth-bridge",
  });
  await client.connect();
  return { client, db: client.db(dbName), close: () => client.close() };
}

export function isDuplicateKeyError(error: unknown): boolean {
  return typeof error === "object" && error !== null && "code" in error && error.code === 11000;
}

/** Dropping an index that is not there (or from a collection that is not there yet). */
export function isMissingIndexError(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const code = "code" in error ? error.code : undefined;
  const message = "message" in error ? String(error.message) : "";
  // 26 NamespaceNotFound, 27 IndexNotFound; FerretDB words some of these without the code.
  return code === 26 || code === 27 || /index not found|ns not found|can't find index/i.test(message);
}

/**
 * A TTL index on `field` where the server has them; FerretDB (SQLite) refuses TTL indexes, so
 * there a plain index serves the periodic purge instead. Returns whether the TTL index is in place.
 */
export async function ensureExpiryIndex<T extends Document>(
  collection: Collection<T>,
  field: string,
  expireAfterSeconds: number,
): Promise<boolean> {
  try {
    await collection.createIndex({ [field]: 1 }, { expireAfterSeconds, name: `${field}_ttl` });
    return true;
  } catch {
    await collection.createIndex({ [field]: 1 }, { name: `${field}_1` });
    return false;
  }
}

/**
 * One createIndex command per index: FerretDB 1.24 drops the connection when a single
 * createIndexes command names several indexes that already exist (every restart), which MongoDB
 * accepts. Index creation is idempotent either way.
 */
export async function ensureIndexes<T extends Document>(
  collection: Collection<T>,
  indexes: readonly IndexDescription[],
): Promise<void> {
  for (const { key, ...options } of indexes) await collection.createIndex(key, options);
}
