import type { DpopAlgorithm } from "@tron-auth/shared/dpop";
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from "jose";

/** A session's proof key: the private half never leaves WebCrypto (non-extractable). */
export type DpopKey = { alg: DpopAlgorithm; privateKey: CryptoKey; publicJwk: JWK; jkt: string };

/** Where a client keeps its sessions' keys, by thumbprint. */
export type DpopKeyStore = {
  load(jkt: string): Promise<DpopKey | undefined>;
  save(key: DpopKey): Promise<void>;
  remove(jkt: string): Promise<void>;
};

/**
 * A new non-extractable key: Ed25519 where WebCrypto has it, since the edge (workerd, BoringSSL)
 * verifies an Ed25519 signature in about two thirds of the time of a P-256 one, and that is
 * paid on every request; else P-256 (ES256), which every WebCrypto supports.
 */
export async function newDpopKey(alg?: DpopAlgorithm): Promise<DpopKey> {
  let pair: { privateKey: CryptoKey; publicKey: CryptoKey };
  let chosen: DpopAlgorithm = alg ?? "EdDSA";
  try {
    pair = await generateKeyPair(chosen, {
      extractable: false,
      ...(chosen === "EdDSA" ? { crv: "Ed25519" } : {}),
    });
  } catch (error) {
    if (alg) throw error;
    chosen = "ES256";
    pair = await generateKeyPair(chosen, { extractable: false });
  }
  const publicJwk = await exportJWK(pair.publicKey);
  const jkt = await calculateJwkThumbprint(publicJwk, "sha256");
  return { alg: chosen, privateKey: pair.privateKey, publicJwk, jkt };
}

/** Node, Workers, a single page: keys live as long as this object. */
export function memoryKeyStore(): DpopKeyStore {
  const keys = new Map<string, DpopKey>();
  return {
    load: async (jkt) => keys.get(jkt),
    save: async (key) => {
      keys.set(key.jkt, key);
    },
    remove: async (jkt) => {
      keys.delete(jkt);
    },
  };
}

/**
 * IndexedDB, in the pages: a CryptoKey is stored as itself (structured clone), still
 * non-extractable, so every tab of the origin signs with the session's key and no script can read
 * its private half, not even this one. A thief who copies localStorage gets tokens without a key.
 */
export function indexedDbKeyStore(name = "tron-auth:dpop"): DpopKeyStore {
  const STORE = "keys";
  const open = (): Promise<IDBDatabase> =>
    new Promise((resolve, reject) => {
      const request = indexedDB.open(name, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "jkt" });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  async function run<T>(mode: IDBTransactionMode, op: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
    const db = await open();
    try {
      return await new Promise<T>((resolve, reject) => {
        const request = op(db.transaction(STORE, mode).objectStore(STORE));
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    } finally {
      db.close();
    }
  }
  return {
    load: async (jkt) => (await run<DpopKey | undefined>("readonly", (s) => s.get(jkt))) ?? undefined,
    save: async (key) => {
      await run("readwrite", (s) => s.put(key));
    },
    remove: async (jkt) => {
      await run("readwrite", (s) => s.delete(jkt));
    },
  };
}
