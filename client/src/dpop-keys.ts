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
 * A new non-extractable P-256 key (ES256): every WebCrypto has it, and the edge verifies ECDSA
 * P-256 faster than Ed25519 (BoringSSL), which is what a proof on every request costs. The edge
 * also accepts EdDSA proofs from clients that hold an Ed25519 key.
 */
export async function newDpopKey(alg: DpopAlgorithm = "ES256"): Promise<DpopKey> {
  const pair = await generateKeyPair(alg, {
    extractable: false,
    ...(alg === "EdDSA" ? { crv: "Ed25519" } : {}),
  });
  const publicJwk = await exportJWK(pair.publicKey);
  return {
    alg,
    privateKey: pair.privateKey,
    publicJwk,
    jkt: await calculateJwkThumbprint(publicJwk, "sha256"),
  };
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
