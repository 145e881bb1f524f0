import { type Db, MongoClient } from "mongodb";

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
