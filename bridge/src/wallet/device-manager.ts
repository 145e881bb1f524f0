import { AppError } from "@tron-auth/shared/problems";
import type { Logger } from "pino";
import { FairQueue } from "../util/fair-queue.ts";
import type { DeviceConnector, DeviceSession } from "./device.ts";
import { type DeviceStatus, deviceStateOf } from "./device-errors.ts";

export type WalletInfo = {
  status: DeviceStatus;
  /** The configured device, or the one found when set to auto. */
  driver: string;
  appVersion: string | null;
  address: string | null;
  /** Operations running on the device or waiting for it. */
  pending: number;
};

class ConfirmationTimeout extends Error {}

/** The queue's caller for the manager's own work (refresh, unplug). */
const MAINTENANCE = "";

/**
 * One device, one conversation at a time: every operation goes through a queue, so callers never
 * see the transport's "locked" race. The queue serves callers in turn (util/fair-queue.ts), so one
 * user's burst of signing requests cannot keep another's waiting behind all of it. The session is opened lazily and dropped on disconnect or
 * timeout, so the next operation reopens it (after the cable or the TRON app came back). The same
 * rules hold for every device: drivers only translate their answers into device faults.
 */
export class DeviceManager {
  readonly #connector: DeviceConnector;
  readonly #queue = new FairQueue();
  readonly #confirmTimeoutMs: number;
  readonly #defaultPath: string;
  readonly #log: Logger;
  #session: DeviceSession | null = null;
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
      detached: () => void this.#queue.run(MAINTENANCE, () => this.#drop("disconnected")),
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
      await this.use(async (device) => {
        const appVersion = await device.version();
        const address = await device.address(this.#defaultPath);
        this.#info = { ...this.#info, status: "ready", appVersion, address };
      });
    } catch (error) {
      if (!(error instanceof AppError)) this.#log.warn({ err: error }, "wallet refresh failed");
    }
    return this.info();
  }

  /**
   * Runs `op` alone on the device, bounded by the confirmation timeout; errors become problems.
   * `caller` (a user id) decides the turn: callers are served in rotation.
   */
  use<T>(op: (device: DeviceSession) => Promise<T>, caller = MAINTENANCE): Promise<T> {
    this.#pending++;
    const done = () => void this.#pending--;
    const result = this.#queue.run(caller, async () => {
      const device = await this.#open();
      const running = op(device);
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
    await this.#queue.run(MAINTENANCE, () => this.#drop("disconnected"));
    await this.#connector.close?.();
  }

  async #open(): Promise<DeviceSession> {
    if (!this.#session) {
      try {
        this.#session = await this.#connector.open();
        this.#info = { ...this.#info, driver: this.#session.driver };
      } catch (error) {
        throw await this.#problemFrom(error, true);
      }
    }
    return this.#session;
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
    const session = this.#session;
    this.#session = null;
    this.#info = { ...this.#info, status };
    await session?.close().catch(() => undefined);
  }
}
