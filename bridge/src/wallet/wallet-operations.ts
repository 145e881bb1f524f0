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
};

/**
 * Signing as operations: each runs to its end whoever is still listening (a person may take a
 * minute to confirm, far longer than any HTTP call waits), and its outcome is stored under the
 * caller's Idempotency-Key. A request waits a few seconds for it, then answers "pending"; a retry
 * with the same key gets the same operation, never a second signature.
 */
export class WalletOperations {
  readonly #d: Deps;
  readonly #running = new Map<string, Promise<void>>();

  constructor(deps: Deps) {
    this.#d = deps;
  }

  async submit(signer: Signer, key: string, request: SignRequest): Promise<WalletOperation> {
    const { store, now } = this.#d;
    const { doc, created } = await store.claim({
      userId: signer.id,
      key,
      kind: request.kind,
      request: canonical(request),
      now: now(),
    });
    if (created) this.#start(doc._id, signer, request);
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

  #start(id: string, signer: Signer, request: SignRequest): void {
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
      .finally(() => this.#running.delete(id));
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
