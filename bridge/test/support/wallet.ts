import { randomBytes } from "node:crypto";
import { buildSiwtMessage, generateNonce, type SiwtMessage } from "@tron-auth/shared/siwt";
import { utils } from "tronweb";

export const SIWT = {
  domain: "auth.example.test",
  uri: "https://auth.example.test/login",
  chainId: "tron:3448148188",
} as const;

export type Wallet = { privateKey: string; address: string };

/** A software TRON key: the same secp256k1 + TIP-191 path a wallet app takes. */
export function newWallet(): Wallet {
  const privateKey = randomBytes(32).toString("hex");
  return { privateKey, address: utils.address.fromPrivateKey(privateKey) as string };
}

export function siwtMessage(address: string, o: Partial<SiwtMessage> & { ageSeconds?: number } = {}) {
  const issued = Date.now() - (o.ageSeconds ?? 0) * 1000;
  const { ageSeconds: _, ...fields } = o;
  return buildSiwtMessage({
    ...SIWT,
    address,
    version: "1",
    nonce: generateNonce(),
    issuedAt: new Date(issued).toISOString(),
    expirationTime: new Date(issued + 300_000).toISOString(),
    ...fields,
  });
}

/** tronweb's TIP-191 signer (what `trx.signMessageV2` calls). */
export function signTip191(message: string, wallet: Wallet): string {
  return utils.message.signMessage(message, wallet.privateKey) as string;
}

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** The malleable twin (n - s, flipped v): same signer, a second encoding the bridge must refuse. */
export function highSTwin(sig: string): string {
  const hex = sig.replace(/^0x/, "");
  const s = BigInt(`0x${hex.slice(64, 128)}`);
  const v = Number.parseInt(hex.slice(128, 130), 16);
  return `0x${hex.slice(0, 64)}${(N - s).toString(16).padStart(64, "0")}${(v === 27 ? 28 : 27).toString(16)}`;
}
