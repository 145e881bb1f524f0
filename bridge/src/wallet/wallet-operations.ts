import { AppError, problem } from "@tron-auth/shared/problems";
import {
  normalizeDerivationPath,
  WALLET_SIGN_WAIT_MS,
  type WalletOperation,
  type WalletSignature,
} from "@tron-auth/shared/protocol";
import type { Logger } from "pino";
import { type OperationStore, toOperation } from "./operation-store.ts";
import type { Signer, WalletService } from "./wallet-service.ts";

export type SignRequest =
  | { kind: "transaction"; rawDataHex: string; path?: string | undefined }
  | { kind: "message"; message: string; path?: string | undefined };

type Deps = {
  store: OperationStore;
  wallet: WalletService;
  log: Logger;
  now(): Date;
  waitMs?: number;
  /** Operations one user may have running or waiting for the device (WALLET_QUEUE_PER_USER). */
  perUser: number;
};

/**
 * Signing as operations: each runs to its end whoever is still listening (a person may take a
 * minute to confirm, far longer than any HTTP call waits), and its outcome is stored under the
 * caller's Idempotency-Key. A request waits a few seconds for it, then answers "pending"; a retry
 * with the same key gets the same operation, never a second signature. A user holds at most
 * `perUser` unfinished operations: beyond that 429 before anything is stored, so the refusal is
 * not the key's final outcome and a retry later is decided afresh.
 */
export class WalletOperations {
  readonly #d: Deps;
  readonly #running = new Map<string, Promise<void>>();
  /** Idempotency keys of each user's unfinished operations (and of claims under way). */
  readonly #unfinished = new Map<string, Set<string>>();

  constructor(deps: Deps) {
    this.#d = deps;
  }

  async submit(signer: Signer, key: string, request: SignRequest): Promise<WalletOperation> {
    const { store, now } = this.#d;
    const keys = this.#unfinished.get(signer.id) ?? new Set<string>();
    // A retry of an unfinished operation joins it; only a new one needs a place in the line.
    const joining = keys.has(key);
    if (!joining && keys.size >= this.#d.perUser) {
      throw new AppError("rate_limited", "Too many of your signing operations are waiting for the device.", {
        retryAfter: 5,
      });
    }
    // Taken before the first await, so concurrent submissions cannot all pass the check.
    if (!joining) this.#unfinished.set(signer.id, keys.add(key));
    const release = () => {
      keys.delete(key);
      if (keys.size === 0 && this.#unfinished.get(signer.id) === keys) this.#unfinished.delete(signer.id);
    };
    let claimed: Awaited<ReturnType<OperationStore["claim"]>>;
    try {
      claimed = await store.claim({
        userId: signer.id,
        key,
        kind: request.kind,
        request: canonical(request),
        now: now(),
      });
    } catch (error) {
      if (!joining) release();
      throw error;
    }
    const { doc, created } = claimed;
    if (created) this.#start(doc._id, signer, request, release);
    else if (!joining) release();
    await this.#settled(doc._id);
    return toOperation((await store.get(doc._id, signer.id)) ?? doc);
  }

  async get(id: string, userId: string): Promise<WalletOperation> {
    const doc = await this.#d.store.get(id, userId);
    if (!doc) throw new AppError("not_found", "No such operation.");
    return toOperation(doc);
  }

  /** Every user's newest operations, described for the console. */
  async recent(limit: number): Promise<WalletSignature[]> {
    return (await this.#d.store.recent(limit)).map((doc) => this.#d.wallet.describe(doc));
  }

  /** For shutdown and tests: every operation this process started has ended. */
  async drain(): Promise<void> {
    await Promise.all(this.#running.values());
  }

  #start(id: string, signer: Signer, request: SignRequest, finished: () => void): void {
    const { wallet, store, log, now } = this.#d;
    const work =
      request.kind === "transaction"
        ? wallet.signTransaction(signer, request.rawDataHex, request.path)
        : wallet.signMessage(signer, request.message, request.path, id);
    const done = work
      .then(
        (result) => store.finish(id, { status: "succeeded", result }, now()),
        (error: unknown) => {
          if (!(error instanceof AppError))
            log.error({ err: error, operation: id }, "wallet operation failed");
          const failure = error instanceof AppError ? error.problem : problem("internal_error");
          return store.finish(id, { status: "failed", problem: failure }, now());
        },
      )
      .catch((error: unknown) => log.error({ err: error, operation: id }, "wallet operation not stored"))
      .finally(() => {
        this.#running.delete(id);
        finished();
      });
    this.#running.set(id, done);
  }

  /** Waits for a running operation, up to the wait budget; a finished or foreign one at once. */
  async #settled(id: string): Promise<void> {
    const running = this.#running.get(id);
    if (!running) return;
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.#d.waitMs ?? WALLET_SIGN_WAIT_MS);
    });
    await Promise.race([running, waited]);
    clearTimeout(timer);
  }
}

/** One form per request, so retries hash alike: lower-case hex, the path without "m/". */
function canonical(r: SignRequest): unknown {
  const path = r.path === undefined ? null : normalizeDerivationPath(r.path);
  return r.kind === "transaction" ? [r.rawDataHex.toLowerCase(), path] : [r.message, path];
}
