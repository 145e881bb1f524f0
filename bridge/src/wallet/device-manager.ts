import { AppError } from "@tron-auth/shared/problems";
import type { Logger } from "pino";
import { Mutex } from "../util/mutex.ts";
import { type DeviceStatus, deviceStateOf } from "./device-errors.ts";
import { type Transport, Trx } from "./ledger-modules.ts";

export type WalletDriver = "ledger" | "software";

/** How the manager reaches a device: open a transport, and optionally hear plug/unplug events. */
export type DeviceConnector = {
  driver: WalletDriver;
  open(): Promise<Transport>;
  watch?(events: { attached(): void; detached(): void }): () => void;
};

export type WalletInfo = {
  status: DeviceStatus;
  driver: WalletDriver;
  appVersion: string | null;
  address: string | null;
  /** Operations running on the device or waiting for it. */
  pending: number;
};

class ConfirmationTimeout extends Error {}

/**
 * One device, one conversation at a time: every operation goes through a queue, so callers never
 * see the transport's "locked" race. The transport is opened lazily and dropped on disconnect or
 * timeout, so the next operation reopens it (after the cable or the TRON app came back).
 */
export class DeviceManager {
  readonly #connector: DeviceConnector;
  readonly #queue = new Mutex();
  readonly #confirmTimeoutMs: number;
  readonly #defaultPath: string;
  readonly #log: Logger;
  #transport: Transport | null = null;
  #pending = 0;
  #info: Omit<WalletInfo, "pending">;
  #unwatch: (() => void) | undefined;

  constructor(
    connector: DeviceConnector,
    opts: { defaultPath: string; confirmTimeoutMs: number; log: Logger },
  ) {
    this.#connector = connector;
    this.#confirmTimeoutMs = opts.confirmTimeoutMs;
    this.#defaultPath = opts.defaultPath;
    this.#log = opts.log;
    this.#info = { status: "disconnected", driver: connector.driver, appVersion: null, address: null };
    this.#unwatch = connector.watch?.({
      attached: () => void this.refresh(),
      detached: () => void this.#queue.run(() => this.#drop("disconnected")),
    });
  }

  info(): WalletInfo {
    return { ...this.#info, pending: this.#pending };
  }

  get defaultPath(): string {
    return this.#defaultPath;
  }

  /** Asks the device for its app version and default address; the result is the reported state. */
  async refresh(): Promise<WalletInfo> {
    try {
      await this.use(async (trx) => {
        const config = await trx.getAppConfiguration();
        const { address } = await trx.getAddress(this.#defaultPath);
        this.#info = { ...this.#info, status: "ready", appVersion: config.version, address };
      });
    } catch (error) {
      if (!(error instanceof AppError)) this.#log.warn({ err: error }, "wallet refresh failed");
    }
    return this.info();
  }

  /** Runs `op` alone on the device, bounded by the confirmation timeout; errors become problems. */
  use<T>(op: (trx: Trx) => Promise<T>): Promise<T> {
    this.#pending++;
    const done = () => void this.#pending--;
    const result = this.#queue.run(async () => {
      const trx = await this.#open();
      const running = op(trx);
      // A timed-out operation settles later (when its transport closes); nobody waits for it then.
      running.catch(() => undefined);
      try {
        const result = await Promise.race([running, this.#timeout()]);
        if (this.#info.status !== "ready") this.#info = { ...this.#info, status: "ready" };
        return result;
      } catch (error) {
        // Refusals decided by the operation itself (policy, day cap) pass through as they are.
        if (error instanceof AppError) throw error;
        throw await this.#problemFrom(error);
      }
    });
    result.then(done, done);
    return result;
  }

  async close(): Promise<void> {
    this.#unwatch?.();
    await this.#queue.run(() => this.#drop("disconnected"));
  }

  async #open(): Promise<Trx> {
    if (!this.#transport) {
      try {
        this.#transport = await this.#connector.open();
      } catch (error) {
        throw await this.#problemFrom(error, true);
      }
    }
    return new Trx(this.#transport);
  }

  #timeout(): Promise<never> {
    return new Promise((_, reject) => {
      const timer = setTimeout(() => reject(new ConfirmationTimeout()), this.#confirmTimeoutMs);
      timer.unref();
    });
  }

  async #problemFrom(error: unknown, opening = false): Promise<AppError> {
    if (error instanceof ConfirmationTimeout) {
      await this.#drop(this.#info.status);
      return new AppError("wallet_timeout", "Nobody confirmed on the device in time.");
    }
    const state = deviceStateOf(error) ?? (opening ? deviceStateOf({ name: "CantOpenDevice" }) : undefined);
    if (!state) {
      this.#log.error({ err: error }, "unexpected wallet error");
      await this.#drop("disconnected");
      return new AppError("wallet_disconnected", "The wallet device failed; try again.", { retryAfter: 10 });
    }
    if (state.status === "disconnected") await this.#drop("disconnected");
    else if (state.status !== "rejected") this.#info = { ...this.#info, status: state.status };
    return state.problem;
  }

  async #drop(status: DeviceStatus): Promise<void> {
    const transport = this.#transport;
    this.#transport = null;
    this.#info = { ...this.#info, status };
    await transport?.close().catch(() => undefined);
  }
}
