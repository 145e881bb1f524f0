import { createHash } from "node:crypto";
import { utils } from "tronweb";
import { CLA, INS, MESSAGE_P1, readPath, SIGN_P1, SW } from "../apdu.ts";
import { DisconnectedDevice, DisconnectedDeviceDuringOperation, Transport } from "../ledger-modules.ts";
import { DeviceHolder } from "./device-holder.ts";
import { FOREIGN_PATH, MnemonicKeys } from "./mnemonic-keys.ts";

const APP_VERSION = [0, 5, 0] as const;
const reply = (sw: number, data: Buffer = Buffer.alloc(0)) =>
  Buffer.concat([data, Buffer.from([sw >> 8, sw & 0xff])]);

/**
 * A Ledger running the TRON app, in software: it answers the app's APDUs (address, version,
 * chunked transaction signing, hash signing, TIP-191 messages, TIP-712 hashes) with keys derived
 * from a mnemonic, so the real `hw-app-trx` client runs on top of it. Tests steer it through its
 * holder like a person holding the device.
 */
export class SoftwareLedger extends Transport {
  readonly holder = new DeviceHolder();
  readonly #keys: MnemonicKeys;
  #tx: { path: string; chunks: Buffer[] } | undefined;
  #message: { path: string; length: number; chunks: Buffer[] } | undefined;

  constructor(mnemonic: string) {
    super();
    this.#keys = new MnemonicKeys(mnemonic);
  }

  /** A new transport session on the same device: half-finished conversations are forgotten. */
  reattachTransport(): void {
    this.#tx = undefined;
    this.#message = undefined;
  }

  override async close(): Promise<void> {
    this.holder.abandon();
  }

  override async exchange(apdu: Buffer): Promise<Buffer> {
    const wasAttached = this.holder.mode !== "disconnected";
    if (!this.holder.arrive()) {
      this.#tx = undefined;
      if (wasAttached) throw new DisconnectedDeviceDuringOperation("device unplugged");
      throw new DisconnectedDevice();
    }
    const mode = this.holder.mode;
    if (mode === "locked") return reply(SW.locked);
    if (apdu[0] !== CLA || mode === "app_closed") return reply(SW.claNotSupported);
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

  async #confirmed(): Promise<number> {
    const outcome = await this.holder.confirm();
    if (outcome === "abandoned")
      throw new DisconnectedDeviceDuringOperation("transport closed while waiting for the user");
    return outcome === "rejected" ? SW.userRejected : SW.ok;
  }

  async #address(data: Buffer, display: boolean): Promise<Buffer> {
    const key = this.#keys.key(readPath(data).path);
    if (display) {
      const sw = await this.#confirmed();
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
    const sw = await this.#confirmed();
    if (sw !== SW.ok) return reply(sw);
    const keyPath = this.holder.takeForeignKey() ? FOREIGN_PATH : path;
    return reply(SW.ok, this.#keys.sign(keyPath, digest));
  }
}
