/** Protobuf wire types the TRON transaction messages use; groups (3, 4) never appear there. */
export const WIRE = { varint: 0, i64: 1, len: 2, i32: 5 } as const;

export type WireField =
  | { number: number; wireType: typeof WIRE.varint; value: bigint }
  | { number: number; wireType: typeof WIRE.len; value: Buffer }
  | { number: number; wireType: typeof WIRE.i64 | typeof WIRE.i32; value: Buffer };

export class WireError extends Error {}

/**
 * One message's fields in order, read strictly: canonical varints (no padding bytes, at most 64
 * bits), lengths inside the buffer, no groups, field numbers from 1. A second reader with looser
 * rules (the device, a node) must never see a different message than this one did.
 */
export function readFields(buf: Buffer): WireField[] {
  const fields: WireField[] = [];
  let at = 0;
  const varint = (): bigint => {
    let value = 0n;
    for (let i = 0; i < 10; i++) {
      const byte = buf[at++];
      if (byte === undefined) throw new WireError("truncated varint");
      value |= BigInt(byte & 0x7f) << BigInt(7 * i);
      if ((byte & 0x80) === 0) {
        if (i > 0 && byte === 0) throw new WireError("non-canonical varint");
        if (value >> 64n !== 0n) throw new WireError("varint over 64 bits");
        return value;
      }
    }
    throw new WireError("varint too long");
  };
  const take = (n: number): Buffer => {
    if (n > buf.length - at) throw new WireError("length beyond the message");
    const out = buf.subarray(at, at + n);
    at += n;
    return out;
  };
  while (at < buf.length) {
    const tag = varint();
    const number = Number(tag >> 3n);
    const wireType = Number(tag & 7n);
    if (number < 1 || number > 536_870_911) throw new WireError("bad field number");
    if (wireType === WIRE.varint) fields.push({ number, wireType, value: varint() });
    else if (wireType === WIRE.len) fields.push({ number, wireType, value: take(Number(varint())) });
    else if (wireType === WIRE.i64) fields.push({ number, wireType, value: take(8) });
    else if (wireType === WIRE.i32) fields.push({ number, wireType, value: take(4) });
    else throw new WireError(`wire type ${wireType} not allowed`);
  }
  return fields;
}

/** A field to write: a varint, or length-delimited bytes. */
export type OutField = { number: number; varint: bigint } | { number: number; bytes: Buffer };

function varintBytes(value: bigint): number[] {
  const out: number[] = [];
  let v = BigInt.asUintN(64, value);
  do {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v > 0n ? byte | 0x80 : byte);
  } while (v > 0n);
  return out;
}

/** Writes fields in the order given, canonically: the inverse of readFields for these types. */
export function writeFields(fields: readonly OutField[]): Buffer {
  const parts: Buffer[] = [];
  for (const f of fields) {
    const wire = "varint" in f ? WIRE.varint : WIRE.len;
    parts.push(Buffer.from(varintBytes((BigInt(f.number) << 3n) | BigInt(wire))));
    if ("varint" in f) parts.push(Buffer.from(varintBytes(f.varint)));
    else parts.push(Buffer.from(varintBytes(BigInt(f.bytes.length))), f.bytes);
  }
  return Buffer.concat(parts);
}
