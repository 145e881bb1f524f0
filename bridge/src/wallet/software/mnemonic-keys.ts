import { TronWeb, utils } from "tronweb";

export type Key = { privateKey: string; publicKey: Buffer; address: string };

/** Where the "foreign" key of signWithForeignKeyNext comes from: a path no request uses. */
export const FOREIGN_PATH = "m/44'/195'/4242'/0/0";

/**
 * The secp256k1 keys of a BIP-39 mnemonic by BIP-32 path, as a hardware wallet derives them: the
 * one key source of both software devices, so the Ledger and the Trezor of a mnemonic agree.
 */
export class MnemonicKeys {
  readonly #mnemonic: string;
  readonly #keys = new Map<string, Key>();

  constructor(mnemonic: string) {
    this.#mnemonic = mnemonic;
  }

  key(path: string): Key {
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

  /** r || s || v (v 27/28) over a 32-byte digest, as both devices return it. */
  sign(path: string, digest: Buffer): Buffer {
    const sig = new utils.ethersUtils.SigningKey(`0x${this.key(path).privateKey}`).sign(digest);
    return Buffer.concat([
      Buffer.from(sig.r.slice(2), "hex"),
      Buffer.from(sig.s.slice(2), "hex"),
      Buffer.from([sig.v]),
    ]);
  }
}
