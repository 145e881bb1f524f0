import { createHash } from "node:crypto";
import { TronWeb, utils } from "tronweb";
import { CLA, INS, MESSAGE_P1, readPath, SIGN_P1, SW } from "./apdu.ts";
import { DisconnectedDevice, DisconnectedDeviceDuringOperation, Transport } from "./ledger-modules.ts";

type Mode = "ready" | "locked" | "app_closed" | "disconnected";
type Key = { privateKey: string; publicKey: Buffer; address: string };

const APP_VERSION = [0, 5, 0] as const;
/** Where the "foreign" key of signWithForeignKeyNext comes from: a path no request uses. */
const FOREIGN_PATH = "m/44'/195'/4242'/0/0";
const reply = (sw: number, data: Buffer = Buffer.alloc(0)) =>
  Buffer.concat([data, Buffer.from([sw >> 8, sw & 0xff])]);

/**
 * A Ledger running the TRON app, in software: it answers the app's APDUs (address, version,
 * chunked transaction signing, hash signing, TIP-191 messages, TIP-712 hashes) with keys derived
 * from a mnemonic, so the real `hw-app-trx` client runs on top of it. Tests steer it like a
 * person holding the device: reject the next request, lock it, close the app, pull the cable.
 */
export class SoftwareTronDevice extends Transport {
  readonly #mnemonic: string;
  readonly #keys = new Map<string, Key>();
  #mode: Mode = "ready";
  #rejectNext = false;
  #hangNext = false;
  #disconnectAfterApdus: number | undefined;
  #tx: { path: string; chunks: Buffer[] } | undefined;
  #message: { path: string; length: number; chunks: Buffer[] } | undefined;
  #hanging: (() => void) | undefined;
  #hold: { reached: () => void; released: Promise<void> } | undefined;
  #foreignKeyNext = false;
  apduCount = 0;

  constructor(mnemonic: string) {
    super();
    this.#mnemonic = mnemonic;
  }

  // Steering, as a person would with the device in hand.
  rejectNext(): void {
    this.#rejectNext = true;
  }
  /** The next confirmation never comes (the user walked away); ended only by closing the transport. */
  hangNext(): void {
    this.#hangNext = true;
  }
  /**
   * The next confirmation takes as long as the test wants (a person reading the screen slowly):
   * `reached` resolves when the device waits for the buttons, `release()` presses them.
   */
  holdNext(): { reached: Promise<void>; release(): void } {
    let reached!: () => void;
    let release!: () => void;
    const reachedP = new Promise<void>((r) => (reached = r));
    const released = new Promise<void>((r) => (release = r));
    this.#hold = { reached, released };
    return { reached: reachedP, release };
  }
  /** Test only: the next signature comes from another key, as a faulty or tampered device's would. */
  signWithForeignKeyNext(): void {
    this.#foreignKeyNext = true;
  }
  lock(): void {
    this.#mode = "locked";
  }
  closeApp(): void {
    this.#mode = "app_closed";
  }
  openApp(): void {
    this.#mode = "ready";
  }
  /** Pull the cable after `apdus` more APDUs (0: now). */
  disconnect(apdus = 0): void {
    if (apdus === 0) this.#mode = "disconnected";
    else this.#disconnectAfterApdus = apdus;
  }
  reattach(): void {
    this.#mode = "ready";
    this.#disconnectAfterApdus = undefined;
  }
  /** A new transport session on the same device: half-finished conversations are forgotten. */
  reattachTransport(): void {
    this.#tx = undefined;
    this.#message = undefined;
  }
  get mode(): Mode {
    return this.#mode;
  }

  override async close(): Promise<void> {
    this.#hanging?.();
  }

  override async exchange(apdu: Buffer): Promise<Buffer> {
    this.apduCount++;
    if (this.#mode === "disconnected") throw new DisconnectedDevice();
    if (this.#disconnectAfterApdus !== undefined && --this.#disconnectAfterApdus < 0) {
      this.#mode = "disconnected";
      this.#tx = undefined;
      throw new DisconnectedDeviceDuringOperation("device unplugged");
    }
    if (this.#mode === "locked") return reply(SW.locked);
    if (apdu[0] !== CLA || this.#mode === "app_closed") return reply(SW.claNotSupported);
    const [ins, p1] = [apdu[1], apdu[2] ?? 0];
    const data = apdu.subarray(5, 5 + (apdu[4] ?? 0));
    try {
      switch (ins) {
        case INS.getVersion:
          return reply(SW.ok, Buffer.from([0x0f, ...APP_VERSION]));
        case INS.getAddress:
          return await this.#address(data, p1 === 0x01);
        case INS.sign:
          return await this.#signChunk(p1, data);
        case INS.signHash:
          return await this.#signHash(data);
        case INS.signPersonalMessage:
          return await this.#messageChunk(p1, data);
        case INS.signTip712:
          return await this.#signTip712(data);
        default:
          return reply(SW.insNotSupported);
      }
    } catch (error) {
      if (error instanceof DisconnectedDeviceDuringOperation) throw error;
      return reply(SW.wrongData);
    }
  }

  #key(path: string): Key {
    let key = this.#keys.get(path);
    if (!key) {
      const account = TronWeb.fromMnemonic(this.#mnemonic, path);
      const privateKey = account.privateKey.replace(/^0x/, "");
      key = {
        privateKey,
        publicKey: Buffer.from(utils.crypto.getPubKeyFromPriKey(utils.code.hexStr2byteArray(privateKey))),
        address: account.address,
      };
      this.#keys.set(path, key);
    }
    return key;
  }

  /** The person looks at the screen: approves, rejects, or never answers. */
  async #confirm(): Promise<number> {
    if (this.#rejectNext) {
      this.#rejectNext = false;
      return SW.userRejected;
    }
    const hold = this.#hold;
    if (hold) {
      this.#hold = undefined;
      hold.reached();
      await hold.released;
    }
    if (this.#hangNext) {
      this.#hangNext = false;
      await new Promise<void>((resolve) => (this.#hanging = resolve));
      this.#hanging = undefined;
      throw new DisconnectedDeviceDuringOperation("transport closed while waiting for the user");
    }
    return SW.ok;
  }

  async #address(data: Buffer, display: boolean): Promise<Buffer> {
    const key = this.#key(readPath(data).path);
    if (display) {
      const sw = await this.#confirm();
      if (sw !== SW.ok) return reply(sw);
    }
    const address = Buffer.from(key.address, "ascii");
    return reply(
      SW.ok,
      Buffer.concat([
        Buffer.from([key.publicKey.length]),
        key.publicKey,
        Buffer.from([address.length]),
        address,
      ]),
    );
  }

  async #signChunk(p1: number, data: Buffer): Promise<Buffer> {
    if (p1 === SIGN_P1.single || p1 === SIGN_P1.first) {
      const { path, rest } = readPath(data);
      this.#tx = { path, chunks: [rest] };
    } else if ((p1 === SIGN_P1.more || p1 === SIGN_P1.last) && this.#tx) {
      this.#tx.chunks.push(data);
    } else {
      this.#tx = undefined;
      return reply(SW.wrongP1P2);
    }
    if (p1 === SIGN_P1.first || p1 === SIGN_P1.more) return reply(SW.ok);
    const { path, chunks } = this.#tx;
    this.#tx = undefined;
    const digest = createHash("sha256").update(Buffer.concat(chunks)).digest();
    return this.#signDigest(path, digest);
  }

  async #signHash(data: Buffer): Promise<Buffer> {
    const { path, rest } = readPath(data);
    if (rest.length !== 32) return reply(SW.wrongData);
    return this.#signDigest(path, rest);
  }

  async #messageChunk(p1: number, data: Buffer): Promise<Buffer> {
    if (p1 === MESSAGE_P1.first) {
      const { path, rest } = readPath(data);
      this.#message = { path, length: rest.readUInt32BE(0), chunks: [rest.subarray(4)] };
    } else if (p1 === MESSAGE_P1.more && this.#message) {
      this.#message.chunks.push(data);
    } else {
      return reply(SW.wrongP1P2);
    }
    const message = Buffer.concat(this.#message.chunks);
    if (message.length < this.#message.length) return reply(SW.ok);
    const { path } = this.#message;
    this.#message = undefined;
    const digest = Buffer.from(utils.message.hashMessage(new Uint8Array(message)).replace(/^0x/, ""), "hex");
    return this.#signDigest(path, digest);
  }

  async #signTip712(data: Buffer): Promise<Buffer> {
    const { path, rest } = readPath(data);
    if (rest.length !== 64) return reply(SW.wrongData);
    const digest = Buffer.from(
      utils.ethersUtils.keccak256(Buffer.concat([Buffer.from([0x19, 0x01]), rest])).slice(2),
      "hex",
    );
    return this.#signDigest(path, digest);
  }

  async #signDigest(path: string, digest: Buffer): Promise<Buffer> {
    const sw = await this.#confirm();
    if (sw !== SW.ok) return reply(sw);
    const keyPath = this.#foreignKeyNext ? FOREIGN_PATH : path;
    this.#foreignKeyNext = false;
    const sig = new utils.ethersUtils.SigningKey(`0x${this.#key(keyPath).privateKey}`).sign(digest);
    const bytes = Buffer.concat([
      Buffer.from(sig.r.slice(2), "hex"),
      Buffer.from(sig.s.slice(2), "hex"),
      Buffer.from([sig.v]),
    ]);
    return reply(SW.ok, bytes);
  }
}
