import { TronWeb } from "tronweb";
import { TEST_ADDRESS, USDT } from "./transactions.ts";

/**
 * A protobuf writer for hand-made transactions: what tronweb cannot build (two contracts, unknown
 * or repeated fields, other permissions). Written apart from the bridge's reader on purpose.
 */
export const pb = {
  varint(n: bigint | number): Buffer {
    let v = BigInt.asUintN(64, BigInt(n));
    const out: number[] = [];
    do {
      const low = Number(v & 0x7fn);
      v >>= 7n;
      out.push(v > 0n ? low | 0x80 : low);
    } while (v > 0n);
    return Buffer.from(out);
  },
  uint(field: number, n: bigint | number): Buffer {
    return Buffer.concat([pb.varint(field * 8), pb.varint(n)]);
  },
  bytes(field: number, payload: Buffer | string): Buffer {
    const b = typeof payload === "string" ? Buffer.from(payload, "utf8") : payload;
    return Buffer.concat([pb.varint(field * 8 + 2), pb.varint(b.length), b]);
  },
};

const addr = (base58: string) => Buffer.from(TronWeb.address.toHex(base58), "hex");

export type ContractParts = {
  type?: number;
  typeUrl?: string;
  /** The inner message (TransferContract...) as bytes. */
  value?: Buffer;
  permissionId?: number;
  /** Raw fields appended to the Contract message. */
  extra?: Buffer;
};

export function transferValue(
  o: { owner?: string; to?: string; amount?: number; extra?: Buffer } = {},
): Buffer {
  return Buffer.concat([
    pb.bytes(1, addr(o.owner ?? TEST_ADDRESS)),
    pb.bytes(2, addr(o.to ?? USDT)),
    pb.uint(3, o.amount ?? 1),
    o.extra ?? Buffer.alloc(0),
  ]);
}

export function contract(o: ContractParts = {}): Buffer {
  const any = Buffer.concat([
    pb.bytes(1, o.typeUrl ?? "type.googleapis.com/protocol.TransferContract"),
    pb.bytes(2, o.value ?? transferValue()),
  ]);
  return Buffer.concat([
    pb.uint(1, o.type ?? 1),
    pb.bytes(2, any),
    o.permissionId === undefined ? Buffer.alloc(0) : pb.uint(5, o.permissionId),
    o.extra ?? Buffer.alloc(0),
  ]);
}

/** Transaction.raw with these contracts (default: one 1-sun transfer) and raw extra fields. */
export function rawTransaction(
  o: { contracts?: Buffer[]; extra?: Buffer; expiration?: number; timestamp?: number } = {},
) {
  const now = o.timestamp ?? Date.now();
  return Buffer.concat([
    pb.bytes(1, Buffer.from("abcd", "hex")),
    pb.bytes(4, Buffer.from("0123456789abcdef", "hex")),
    pb.uint(8, o.expiration ?? now + 60_000),
    ...(o.contracts ?? [contract()]).map((c) => pb.bytes(11, c)),
    pb.uint(14, now),
    o.extra ?? Buffer.alloc(0),
  ]).toString("hex");
}
