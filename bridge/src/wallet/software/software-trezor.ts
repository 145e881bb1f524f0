import { createHash } from "node:crypto";
import { createSocket, type RemoteInfo, type Socket } from "node:dgram";
import { createRequire } from "node:module";
import protobuf from "protobufjs";
import { type Confirmation, DeviceHolder } from "./device-holder.ts";
import { FOREIGN_PATH, MnemonicKeys } from "./mnemonic-keys.ts";
import { PING, PONG, packets, Reassembler } from "./trezor-wire.ts";

/** Where @trezor/connect's UDP transport looks for an emulator (it does not take another port). */
export const TREZOR_EMULATOR_PORT = 21324;
const FIRMWARE = [2, 11, 0] as const;
const CAPABILITY_TRON = "Capability_Tron";
const TYPE_URL = "type.googleapis.com/protocol.";
const STATE_PATH = "m/44'/195'/0'/0/0";

// Trezor's message schema, the same file the real client encodes with: the device and the host
// must agree on field numbers, and this file is where Trezor publishes them.
const schema = createRequire(import.meta.url)("@trezor/protobuf/messages.json") as protobuf.INamespace;
const root = protobuf.Root.fromJSON(schema);
const typeIds = root.lookupEnum("MessageType").values;
const nameOf = new Map(Object.entries(typeIds).map(([name, id]) => [id, name.replace(/^MessageType_/, "")]));

type Fields = Record<string, unknown>;
type Reply = { name: string; fields?: Fields };
type Waiting =
  | { kind: "button"; answer: () => Promise<Reply> }
  | { kind: "pin"; answer: () => Promise<Reply> }
  | { kind: "contract"; tx: Fields; path: string };

const failure = (code: string, message: string): Reply => ({ name: "Failure", fields: { code, message } });
const cancelled = () => failure("Failure_ActionCancelled", "Cancelled");
const pathOf = (addressN: number[]) =>
  `m/${addressN.map((n) => (n >= 0x80000000 ? `${n - 0x80000000}'` : String(n))).join("/")}`;

/** The contract messages this device signs, with the TRON contract type each becomes. */
const CONTRACTS: Record<string, { type: string; number: number }> = {
  TronTransferContract: { type: "TransferContract", number: 1 },
  TronTriggerSmartContract: { type: "TriggerSmartContract", number: 31 },
};

/**
 * A Trezor (core firmware 2.11, TRON capability) in software, on the emulator's UDP port: it
 * speaks the wire protocol v1 and answers Initialize/GetFeatures, Cancel, TronGetAddress and the
 * TronSignTx round trip (TronContractRequest, the contract, a button request, TronSignature),
 * building and hashing the raw transaction from the structured fields as the firmware does, so
 * the real @trezor/connect client runs on top of it unmodified. Tests steer it through its
 * holder: reject, ask for a PIN (lock), no TRON capability (closeApp), pull the cable.
 */
export class SoftwareTrezor {
  readonly holder = new DeviceHolder();
  readonly #keys: MnemonicKeys;
  readonly #socket: Socket = createSocket("udp4");
  readonly #reader = new Reassembler();
  #waiting: Waiting | undefined;
  #confirming = false;

  constructor(mnemonic: string) {
    this.#keys = new MnemonicKeys(mnemonic);
  }

  /**
   * Binds the emulator's port. The port is fixed by the client, so one software Trezor runs per
   * machine: a second one waits (up to `waitMs`) for the first to stop, which also keeps test
   * files that run in parallel from talking to each other's device.
   */
  async listen(o: { port?: number; waitMs?: number } = {}): Promise<void> {
    const port = o.port ?? TREZOR_EMULATOR_PORT;
    const until = Date.now() + (o.waitMs ?? 0);
    for (;;) {
      try {
        await new Promise<void>((resolve, reject) => {
          this.#socket.once("error", reject);
          this.#socket.bind(port, "127.0.0.1", () => {
            this.#socket.off("error", reject);
            resolve();
          });
        });
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE" || Date.now() > until) throw error;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    this.#socket.on("message", (packet, from) => this.#packet(packet, from));
  }

  async close(): Promise<void> {
    this.holder.abandon();
    await new Promise<void>((resolve) => this.#socket.close(() => resolve()));
  }

  #packet(packet: Buffer, from: RemoteInfo): void {
    if (packet.equals(PING)) {
      if (this.holder.mode !== "disconnected") this.#socket.send(PONG, from.port, from.address);
      return;
    }
    const message = this.#reader.push(packet);
    if (message === undefined || message === "malformed") return;
    const name = nameOf.get(message.type);
    if (!this.holder.arrive()) {
      // Unplugged: nothing answers, and the conversation is lost with the cable.
      this.#waiting = undefined;
      this.holder.abandon();
      return;
    }
    const send = (reply: Reply) => {
      for (const p of packets(typeIds[reply.name] ?? 0, this.#encode(reply)))
        this.#socket.send(p, from.port, from.address);
    };
    if (name === "Cancel") {
      this.#waiting = undefined;
      // A confirmation on screen ends as refused; otherwise the cancel itself is answered.
      if (this.#confirming) this.holder.abandon();
      else send(cancelled());
      return;
    }
    this.#handle(name ?? "", this.#decode(name, message.payload)).then(send, () =>
      send(failure("Failure_DataError", "Invalid message")),
    );
  }

  #decode(name: string | undefined, payload: Buffer): Fields {
    if (!name) return {};
    const type = root.lookupType(name);
    return type.toObject(type.decode(payload), { longs: String, bytes: Buffer, defaults: false }) as Fields;
  }

  #encode(reply: Reply): Uint8Array {
    const type = root.lookupType(reply.name);
    return type.encode(type.fromObject(reply.fields ?? {})).finish();
  }

  async #handle(name: string, fields: Fields): Promise<Reply> {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    if (name === "Initialize" || name === "GetFeatures")
      return { name: "Features", fields: this.#features() };
    if (name === "ButtonAck" && waiting?.kind === "button") return waiting.answer();
    if (name === "PinMatrixAck" && waiting?.kind === "pin")
      return failure("Failure_PinInvalid", "Invalid PIN");
    if (waiting?.kind === "contract" && CONTRACTS[name]) return this.#contract(name, fields, waiting);
    if (!/^(Tron|GetAddress$)/.test(name) || (name.startsWith("Tron") && this.holder.mode === "app_closed"))
      return failure("Failure_UnexpectedMessage", "Unexpected message");
    if (this.holder.mode === "locked") {
      // A device with a PIN asks for it before any key is used; the bridge never has one.
      this.#waiting = { kind: "pin", answer: async () => failure("Failure_PinInvalid", "Invalid PIN") };
      return { name: "PinMatrixRequest", fields: { type: "PinMatrixRequestType_Current" } };
    }
    if (name === "TronGetAddress") return this.#address(fields);
    // The host asks one Bitcoin address to tell wallets (passphrases) apart; a stable string
    // derived from the seed serves that purpose here, since this device derives TRON keys only.
    if (name === "GetAddress")
      return { name: "Address", fields: { address: this.#keys.key(STATE_PATH).address } };
    if (name === "TronSignTx") {
      this.#waiting = { kind: "contract", tx: fields, path: pathOf(fields.address_n as number[]) };
      return { name: "TronContractRequest" };
    }
    return failure("Failure_UnexpectedMessage", "Unexpected message");
  }

  #features(): Fields {
    const tron = this.holder.mode !== "app_closed";
    return {
      vendor: "trezor.io",
      major_version: FIRMWARE[0],
      minor_version: FIRMWARE[1],
      patch_version: FIRMWARE[2],
      device_id: "SOFTWARETREZOR0",
      pin_protection: this.holder.mode === "locked",
      passphrase_protection: false,
      label: "Software Trezor",
      initialized: true,
      unlocked: this.holder.mode !== "locked",
      model: "T",
      internal_model: "T2T1",
      capabilities: ["Capability_Bitcoin", "Capability_Ethereum", ...(tron ? [CAPABILITY_TRON] : [])],
      backup_type: "Bip39",
      session_id: Buffer.alloc(32, 1),
    };
  }

  /** Waits for the host's ButtonAck, then for the person; a refusal is a cancelled action. */
  #button(code: string, then: () => Reply): Reply {
    this.#waiting = {
      kind: "button",
      answer: async () => {
        this.#confirming = true;
        let outcome: Confirmation;
        try {
          outcome = await this.holder.confirm();
        } finally {
          this.#confirming = false;
        }
        return outcome === "approved" ? then() : cancelled();
      },
    };
    return { name: "ButtonRequest", fields: { code } };
  }

  #address(fields: Fields): Reply {
    const { address } = this.#keys.key(pathOf(fields.address_n as number[]));
    const reply = { name: "TronAddress", fields: { address } };
    return fields.show_display ? this.#button("ButtonRequest_Address", () => reply) : reply;
  }

  #contract(name: string, fields: Fields, waiting: Extract<Waiting, { kind: "contract" }>): Reply {
    const spec = CONTRACTS[name] as { type: string; number: number };
    // As the firmware does: the raw transaction is rebuilt from the fields it was sent and shown,
    // serialized, and its sha256 (the txID) is what the key signs.
    const parameter = root.lookupType(name);
    const raw = root.lookupType("TronRawTransaction");
    const bytes = raw
      .encode(
        raw.fromObject({
          ...waiting.tx,
          contract: [
            {
              type: spec.number,
              parameter: {
                type_url: `${TYPE_URL}${spec.type}`,
                value: parameter.encode(parameter.fromObject(fields)).finish(),
              },
            },
          ],
        }),
      )
      .finish();
    const digest = createHash("sha256").update(bytes).digest();
    return this.#button("ButtonRequest_SignTx", () => {
      const keyPath = this.holder.takeForeignKey() ? FOREIGN_PATH : waiting.path;
      return { name: "TronSignature", fields: { signature: this.#keys.sign(keyPath, digest) } };
    });
  }
}
