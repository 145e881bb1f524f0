/** The TRON Ledger app's APDU vocabulary (app-tron), shared by the software device and the manager. */
export const CLA = 0xe0;
export const INS = {
  getAddress: 0x02,
  sign: 0x04,
  signHash: 0x05,
  getVersion: 0x06,
  signPersonalMessage: 0x08,
  signTip712: 0x0c,
} as const;

/** P1 of the chunked transaction signing: single, first, more, last. */
export const SIGN_P1 = { single: 0x10, first: 0x00, more: 0x80, last: 0x90 } as const;
export const MESSAGE_P1 = { first: 0x00, more: 0x80 } as const;

export const SW = {
  ok: 0x9000,
  userRejected: 0x6985,
  locked: 0x5515,
  claNotSupported: 0x6e00,
  insNotSupported: 0x6d00,
  appNotOpen: 0x6511,
  wrongP1P2: 0x6a86,
  wrongData: 0x6a80,
} as const;

/** BIP-32 path bytes (count, then big-endian uint32s) as the app receives them. */
export function readPath(data: Buffer): { path: string; rest: Buffer } {
  const count = data[0] ?? 0;
  if (count < 1 || count > 10 || data.length < 1 + 4 * count) throw new RangeError("bad path");
  const parts: string[] = [];
  for (let i = 0; i < count; i++) {
    const n = data.readUInt32BE(1 + 4 * i);
    parts.push(n >= 0x80000000 ? `${n - 0x80000000}'` : String(n));
  }
  return { path: `m/${parts.join("/")}`, rest: data.subarray(1 + 4 * count) };
}
