import { TronWeb, utils } from "tronweb";

export const TEST_MNEMONIC =
  "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
/** m/44'/195'/0'/0/0 of TEST_MNEMONIC. */
export const TEST_ADDRESS = "TUEZSdKsoDHQMeZwihtdoBiN46zxhGWYdH";
export const USDT = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t";

const base = () => ({
  ref_block_bytes: "abcd",
  ref_block_hash: "0123456789abcdef",
  expiration: Date.now() + 60_000,
  timestamp: Date.now(),
});

function rawHex(contract: unknown, extra: Record<string, unknown> = {}): string {
  const pb = utils.transaction.txJsonToPb({ raw_data: { contract: [contract], ...base(), ...extra } });
  return utils.transaction.txPbToRawDataHex(pb) as string;
}

/** A TRX transfer, built offline with tronweb; `memoBytes` makes it longer than one 250-byte APDU. */
export function transferHex(o: {
  amountSun: number;
  to?: string;
  memoBytes?: number;
  owner?: string;
}): string {
  const value = {
    amount: o.amountSun,
    owner_address: TronWeb.address.toHex(o.owner ?? TEST_ADDRESS),
    to_address: TronWeb.address.toHex(o.to ?? USDT),
  };
  const contract = {
    parameter: { value, type_url: "type.googleapis.com/protocol.TransferContract" },
    type: "TransferContract",
  };
  return rawHex(contract, o.memoBytes ? { data: "ab".repeat(o.memoBytes) } : {});
}

export type TokenSignature =
  | "transfer(address,uint256)"
  | "transferFrom(address,address,uint256)"
  | "approve(address,uint256)"
  | "increaseAllowance(address,uint256)";

/** The 4-byte selector of a Solidity signature (keccak256 with tronweb's ethers, not our table). */
export const selectorOf = (signature: string) => utils.ethersUtils.id(signature).slice(2, 10);

/** ABI call data (hex, no 0x) encoded by tronweb: addresses as base58, amounts as bigint. */
export function tokenCall(signature: TokenSignature, args: (string | bigint)[]): string {
  const types = signature.slice(signature.indexOf("(") + 1, -1).split(",");
  const values = args.map((a) => (typeof a === "string" ? TronWeb.address.toHex(a) : a));
  return selectorOf(signature) + utils.abi.encodeParams(types, values).replace(/^0x/, "");
}

/** A smart-contract call to `contract` with call data `data` (hex; default none). */
export function triggerHex(o: {
  contract: string;
  data?: string;
  callValueSun?: number;
  owner?: string;
}): string {
  const value = {
    owner_address: TronWeb.address.toHex(o.owner ?? TEST_ADDRESS),
    contract_address: TronWeb.address.toHex(o.contract),
    call_value: o.callValueSun ?? 0,
    ...(o.data ? { data: o.data } : {}),
  };
  return rawHex({
    parameter: { value, type_url: "type.googleapis.com/protocol.TriggerSmartContract" },
    type: "TriggerSmartContract",
  });
}

/** The signer of a 32-byte digest (hex), recovered with tronweb's ethers, as a TRON address. */
export function recoverSigner(digestHex: string, signatureHex: string): string {
  const sig = Buffer.from(signatureHex.replace(/^0x/, ""), "hex");
  const v = sig[64] ?? 0;
  const full = Buffer.concat([sig.subarray(0, 64), Buffer.from([v < 27 ? v + 27 : v])]);
  return TronWeb.address.fromHex(
    `41${utils.ethersUtils.recoverAddress(`0x${digestHex}`, `0x${full.toString("hex")}`).slice(2)}`,
  );
}
