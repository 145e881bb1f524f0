/**
 * Trezor's wire protocol v1 as the emulator speaks it over UDP (trezor-firmware
 * common/protob/protocol.md): 64-byte packets; the first is "?##", the message type (uint16 BE),
 * the payload length (uint32 BE) and 55 payload bytes; each next packet is "?" and 63 more bytes.
 * "PINGPING" is answered "PONGPONG": that is how a host finds the device.
 */
export const PACKET = 64;
export const PING = Buffer.from("PINGPING");
export const PONG = Buffer.from("PONGPONG");
const FIRST_HEADER = 9;
const MAX_MESSAGE = 1 << 20;

export function packets(type: number, payload: Uint8Array): Buffer[] {
  const message = Buffer.alloc(FIRST_HEADER + payload.length);
  message.write("?##", 0, "latin1");
  message.writeUInt16BE(type, 3);
  message.writeUInt32BE(payload.length, 5);
  message.set(payload, FIRST_HEADER);
  const out: Buffer[] = [];
  const first = Buffer.alloc(PACKET);
  message.copy(first, 0, 0, PACKET);
  out.push(first);
  for (let at = PACKET; at < message.length; at += PACKET - 1) {
    const next = Buffer.alloc(PACKET);
    next[0] = 0x3f;
    message.copy(next, 1, at, at + PACKET - 1);
    out.push(next);
  }
  return out;
}

/** Collects packets into messages; a malformed packet drops the half-read message. */
export class Reassembler {
  #pending: { type: number; length: number; chunks: Buffer[]; have: number } | undefined;

  push(packet: Buffer): { type: number; payload: Buffer } | "malformed" | undefined {
    if (packet.length !== PACKET || packet[0] !== 0x3f) return this.#reset();
    if (!this.#pending) {
      if (packet[1] !== 0x23 || packet[2] !== 0x23) return this.#reset();
      const length = packet.readUInt32BE(5);
      if (length > MAX_MESSAGE) return this.#reset();
      this.#pending = { type: packet.readUInt16BE(3), length, chunks: [], have: 0 };
      this.#take(packet.subarray(FIRST_HEADER));
    } else {
      this.#take(packet.subarray(1));
    }
    const p = this.#pending;
    if (p.have < p.length) return undefined;
    this.#pending = undefined;
    return { type: p.type, payload: Buffer.concat(p.chunks).subarray(0, p.length) };
  }

  #take(bytes: Buffer): void {
    if (!this.#pending) return;
    this.#pending.chunks.push(bytes);
    this.#pending.have += bytes.length;
  }

  #reset(): "malformed" {
    this.#pending = undefined;
    return "malformed";
  }
}
