import type { Logger } from "pino";
import { type DeviceConnector, DeviceFault, type DeviceSession } from "../device.ts";
import { type Answer, EVENTS, loadTrezorConnect, type TrezorConnect } from "./connect-module.ts";
import { type Prompts, trezorFault } from "./trezor-faults.ts";
import { tronSignRequest } from "./tron-request.ts";

/** USB on the Pi (libusb); UDP for an emulator, which is how the software Trezor is reached. */
export type TrezorTransport = "NodeUsbTransport" | "UdpTransport";

const CAPABILITY_TRON = "Capability_Tron";
/** connect reads BIP-32 paths with their "m/" (the bridge's settings may leave it out). */
const withRoot = (path: string) => (path.startsWith("m/") ? path : `m/${path}`);
/** How long an open waits for the first enumeration to report a device. */
const FIND_MS = 5_000;
/** How long a cancelled call may take to end before connect is restarted. */
const CANCEL_GRACE_MS = 1_500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A Trezor behind the device interface, over @trezor/connect. Connect is one object per process,
 * so one connector owns it: it initialises it on first use, hears plug and unplug, and answers
 * the prompts a headless bridge cannot (PIN, passphrase) by cancelling, reported as states.
 */
export class TrezorConnector implements DeviceConnector {
  readonly driver: string;
  readonly #transport: TrezorTransport;
  readonly #log: Logger;
  #api: TrezorConnect | undefined;
  #init: Promise<TrezorConnect> | undefined;
  #present = false;
  #events: { attached(): void; detached(): void } | undefined;
  #prompts: Prompts = { pin: false, passphrase: false };
  /** A cancelled call still ending (or connect restarting after it): the next open waits for it. */
  #settling: Promise<void> | undefined;

  constructor(o: { driver: string; transport: TrezorTransport; log: Logger }) {
    this.driver = o.driver;
    this.#transport = o.transport;
    this.#log = o.log;
  }

  watch(events: { attached(): void; detached(): void }): () => void {
    this.#events = events;
    return () => (this.#events = undefined);
  }

  async open(): Promise<DeviceSession> {
    await this.#settling;
    const api = await this.#connect();
    if (!this.#present) await this.#waitForDevice();
    return this.#session(api);
  }

  /** Stops connect (its transport and enumeration loop); the next open starts it again. */
  async close(): Promise<void> {
    const api = this.#api;
    this.#api = undefined;
    this.#init = undefined;
    this.#present = false;
    api?.dispose();
  }

  #connect(): Promise<TrezorConnect> {
    this.#init ??= (async () => {
      const api = loadTrezorConnect();
      api.on(EVENTS.device, (event) => {
        if (event.type === EVENTS.connect || event.type === EVENTS.connectUnacquired) {
          this.#present = true;
          this.#events?.attached();
        } else if (event.type === EVENTS.disconnect) {
          this.#present = false;
          this.#events?.detached();
        }
      });
      api.on(EVENTS.ui, (event) => {
        // Nobody can type a PIN or passphrase into the bridge: the prompt ends the call, and the
        // state says what the person at the device must do.
        if (event.type === EVENTS.requestPin) this.#prompts.pin = true;
        else if (event.type === EVENTS.requestPassphrase || event.type === EVENTS.requestPassphraseOnDevice)
          this.#prompts.passphrase = true;
        else return;
        api.cancel("the bridge cannot answer this prompt");
      });
      await api.init({
        manifest: { appName: "tron-auth bridge", email: "operator@localhost", appUrl: "https://localhost" },
        transports: [this.#transport],
        lazyLoad: false,
        popup: false,
      });
      this.#api = api;
      return api;
    })().catch((error: unknown) => {
      this.#init = undefined;
      throw error;
    });
    return this.#init;
  }

  async #waitForDevice(): Promise<void> {
    const until = Date.now() + FIND_MS;
    while (!this.#present && Date.now() < until) await sleep(100);
    if (!this.#present) throw new DeviceFault("disconnected", "no Trezor connected");
  }

  /** Runs one connect call; its failure becomes a device fault. */
  async #call<T>(run: () => Promise<Answer<T>>): Promise<T> {
    this.#prompts = { pin: false, passphrase: false };
    const result = await run();
    if (result.success) return result.payload;
    throw trezorFault(result.payload, this.#prompts);
  }

  #session(api: TrezorConnect): DeviceSession {
    let inflight: Promise<unknown> | undefined;
    const call = <T>(run: () => Promise<Answer<T>>): Promise<T> => {
      const running = this.#call(run);
      const settled = running.then(
        () => undefined,
        () => undefined,
      );
      inflight = settled;
      void settled.then(() => {
        if (inflight === settled) inflight = undefined;
      });
      return running;
    };
    return {
      driver: this.driver,
      // Trezor's TRON app has no message signing (core/src/apps/tron signs transactions only).
      signsMessages: false,
      version: async () => {
        const f = await call(() => api.getFeatures());
        if (!f.capabilities?.includes(CAPABILITY_TRON))
          throw new DeviceFault("app_not_open", "this Trezor firmware cannot sign TRON");
        return `${f.major_version}.${f.minor_version}.${f.patch_version}`;
      },
      address: async (path) =>
        (await call(() => api.tronGetAddress({ path: withRoot(path), showOnTrezor: false }))).address,
      signTransaction: async (path, tx, rawDataHex) => {
        // Built (and refused) before the device sees anything.
        const request = tronSignRequest(withRoot(path), tx, rawDataHex);
        const { signature } = await call(() => api.tronSignTransaction(request));
        return signature.replace(/^0x/, "");
      },
      signMessage: () => {
        throw new DeviceFault("app_not_open", "Trezor does not sign TRON messages");
      },
      close: async () => {
        const running = inflight;
        if (!running) return;
        // A call still waiting for the person (the confirmation timed out) is cancelled. Over a
        // transport that cannot tell a silent device from a slow one (UDP), a call that does not
        // end on cancel is stuck on a lost message: connect is restarted, as a Ledger transport
        // is reopened, so the next operation starts clean.
        // The caller has its answer already (the timeout); the next open waits for this.
        api.cancel("closed by the bridge");
        this.#settling = Promise.race([
          running.then(() => true),
          sleep(CANCEL_GRACE_MS).then(() => false),
        ]).then(async (settled) => {
          if (settled) return;
          this.#log.warn("trezor call did not end on cancel; restarting @trezor/connect");
          await this.close();
        });
      },
    };
  }
}
