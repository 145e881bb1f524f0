import { can, type Role } from "@tron-auth/shared/auth";
import { AppError } from "@tron-auth/shared/problems";
import type {
  SignedMessage,
  SignedTransaction,
  WalletPolicy,
  WalletSignature,
} from "@tron-auth/shared/protocol";
import type { AuditStore } from "../audit/store.ts";
import { newId } from "../db/ids.ts";
import { verifyTronMessageSignature } from "../tron/signature.ts";
import { recoverTronSigner } from "../tron/tip191-signer.ts";
import type { UserStore } from "../users/store.ts";
import { effectiveStatus } from "../users/user.ts";
import { allowedPath } from "./derivation-paths.ts";
import type { DeviceSession } from "./device.ts";
import type { DeviceManager, WalletInfo } from "./device-manager.ts";
import { type MessagePolicy, messageToSign } from "./message-policy.ts";
import type { OperationDoc } from "./operation-store.ts";
import { checkOwner, checkTransaction, type SigningPolicy } from "./policy.ts";
import { describeOperation, policyView } from "./signature-listing.ts";
import type { SpendLedger } from "./spend-ledger.ts";
import { decodeTransaction } from "./transaction-decoder.ts";
import { summarizeTransaction } from "./transaction-summary.ts";

export type Signer = { id: string; roles: readonly Role[]; requestId: string };

type Deps = {
  device: DeviceManager;
  policy: SigningPolicy;
  messages: MessagePolicy;
  /** Paths besides the device's default that requests may name. */
  allowedPaths: readonly string[];
  spend: SpendLedger;
  users: UserStore;
  audit: AuditStore;
  /** The lockdown's signing freeze; true when it cannot be read (fail closed). */
  frozen(): Promise<boolean>;
  now(): Date;
};

/**
 * The device answered with a signature that is not its own key's over these bytes: a fault or a
 * tampered device. Nothing is released; the caller learns only that it failed.
 */
const invalidSignature = () =>
  new AppError("wallet_signature_invalid", "The wallet device returned a signature that does not verify.");

/**
 * Whether a 65-byte signature (r, s, v with v 0/1 or 27/28) over a 32-byte digest recovers
 * (secp256k1) to `address`. The same noble recovery as sign-in verification: tronweb (~50 MB)
 * stays unloaded on the Pi.
 */
function recoversTo(digestHex: string, signatureHex: string, address: string): boolean {
  const hex = signatureHex.replace(/^0x/, "");
  const v = Number.parseInt(hex.slice(128, 130), 16);
  if (!/^[0-9a-fA-F]{130}$/.test(hex) || ![0, 1, 27, 28].includes(v)) return false;
  try {
    const r = BigInt(`0x${hex.slice(0, 64)}`);
    const s = BigInt(`0x${hex.slice(64, 128)}`);
    return recoverTronSigner(Buffer.from(digestHex, "hex"), r, s, v % 27 === 0 ? 0 : 1) === address;
  } catch {
    // A signature that is no point on the curve recovers to nobody.
    return false;
  }
}

/**
 * Signing on the device behind the policy: who may sign (checked again on the stored roles), the
 * lockdown freeze, the contract and amount rules, then the device; the signature must recover to
 * the device's address before it leaves. Every request, approval, refusal and denial is audited.
 */
export class WalletService {
  readonly #d: Deps;

  constructor(deps: Deps) {
    this.#d = deps;
  }

  info(): WalletInfo {
    return this.#d.device.info();
  }

  policy(): WalletPolicy {
    const { policy, device, allowedPaths } = this.#d;
    return policyView(policy, { defaultPath: device.defaultPath, allowedPaths });
  }

  /** A stored operation for the console, decoded with this policy's token list. */
  describe(doc: OperationDoc): WalletSignature {
    return describeOperation(doc, this.#d.policy.tokens);
  }

  async signTransaction(
    signer: Signer,
    rawDataHex: string,
    path: string | undefined,
  ): Promise<SignedTransaction> {
    const { policy, spend } = this.#d;
    await this.#admit(signer, "transaction", { path: path ?? this.#d.device.defaultPath });
    const tx = await this.#guard(signer, { rawBytes: rawDataHex.length / 2 }, () =>
      decodeTransaction(rawDataHex),
    );
    // Every later audit event of this signature says, decoded, what it would do.
    const details = { txID: tx.txID, summary: summarizeTransaction(tx, policy.tokens) };
    const { derivation, spends } = await this.#guard(signer, details, () => ({
      derivation: this.#path(path),
      spends: checkTransaction(tx, policy),
    }));
    const signature = await this.#onDevice(signer, details, async (device) => {
      const held = await this.#guard(signer, details, () => spend.reserve(spends, this.#d.now()));
      try {
        const address = await device.address(derivation);
        await this.#guard(signer, details, () => checkOwner(tx, address));
        const sig = await device.signTransaction(derivation, tx, rawDataHex);
        // txID is sha256 of the bytes the policy read: a device that signs rebuilt fields (Trezor)
        // passes only if it rebuilt exactly those bytes.
        if (!recoversTo(tx.txID, sig, address)) throw invalidSignature();
        return sig;
      } catch (error) {
        await spend.release(held);
        throw error;
      }
    });
    return {
      txID: tx.txID,
      signature,
      signedTransaction: { txID: tx.txID, raw_data_hex: rawDataHex, signature: [signature] },
    };
  }

  /**
   * Signs the caller's text inside the service's envelope (see shared/src/protocol/signed-message)
   * naming `request` (the operation), and returns the exact signed text with the signature.
   */
  async signMessage(
    signer: Signer,
    text: string,
    path: string | undefined,
    request: string,
  ): Promise<SignedMessage> {
    await this.#admit(signer, "message", { path: path ?? this.#d.device.defaultPath });
    const { derivation, message } = await this.#guard(signer, { kind: "message" }, () => ({
      derivation: this.#path(path),
      message: messageToSign(text, this.#d.messages, { user: signer.id, request }),
    }));
    const summary = { type: "message", length: text.length, text: text.slice(0, 256) };
    return this.#onDevice(signer, { kind: "message", summary }, async (device) => {
      if (!device.signsMessages)
        throw new AppError("unsupported_by_device", "This wallet device cannot sign TRON messages.");
      const address = await device.address(derivation);
      const signature = await device.signMessage(derivation, message);
      if (!verifyTronMessageSignature(message, signature, address).ok) throw invalidSignature();
      return { address, signature, signedMessage: message };
    });
  }

  #path(requested: string | undefined): string {
    return allowedPath(requested, { default: this.#d.device.defaultPath, allowed: this.#d.allowedPaths });
  }

  /** The stored roles must still allow signing, and no lockdown may freeze it. */
  async #admit(signer: Signer, kind: string, details: Record<string, unknown>): Promise<void> {
    await this.#record(signer, "wallet_sign_request", "success", { kind, ...details });
    const user = await this.#d.users.findById(signer.id);
    const now = this.#d.now();
    if (!user || effectiveStatus(user, now) !== "active" || !can(user.roles, "wallet:sign")) {
      await this.#record(signer, "wallet_policy_denied", "denied", { kind, reason: "not_allowed" });
      throw new AppError("forbidden", "Your account cannot sign.");
    }
    await this.#refuseIfFrozen(signer, { kind });
  }

  async #refuseIfFrozen(signer: Signer, details: Record<string, unknown>): Promise<void> {
    if (await this.#d.frozen()) {
      await this.#record(signer, "wallet_policy_denied", "denied", { ...details, reason: "lockdown" });
      throw new AppError("signing_frozen", "Signing is frozen by a lockdown.");
    }
  }

  /** Policy refusals are audited with their reason and what was asked, then passed on. */
  async #guard<T>(signer: Signer, details: Record<string, unknown>, check: () => T | Promise<T>): Promise<T> {
    try {
      return await check();
    } catch (error) {
      if (error instanceof AppError && error.problem.code === "signing_policy_denied") {
        await this.#record(signer, "wallet_policy_denied", "denied", {
          ...details,
          reason: error.problem.reason ?? "policy",
        });
      }
      throw error;
    }
  }

  async #onDevice<T>(
    signer: Signer,
    details: Record<string, unknown>,
    op: (device: DeviceSession) => Promise<T>,
  ): Promise<T> {
    try {
      const result = await this.#d.device.use(async (device) => {
        // Checked again here: a lockdown engaged while this operation waited in the queue (behind
        // a long confirmation) must stop it before the device sees it.
        await this.#refuseIfFrozen(signer, details);
        return op(device);
      }, signer.id);
      await this.#record(signer, "wallet_sign_approved", "success", details);
      return result;
    } catch (error) {
      const code = error instanceof AppError ? error.problem.code : "device_error";
      // Policy denials and the freeze were audited where they were decided.
      if (code !== "signing_policy_denied" && code !== "signing_frozen")
        await this.#record(signer, "wallet_sign_refused", "failure", { ...details, reason: code });
      throw error;
    }
  }

  #record(
    signer: Signer,
    type: string,
    outcome: "success" | "failure" | "denied",
    details: Record<string, unknown>,
  ) {
    const at = this.#d.now();
    return this.#d.audit.record({
      id: newId("evt", at.getTime()),
      at,
      type,
      outcome,
      actor: { id: signer.id, roles: [...signer.roles] },
      requestId: signer.requestId,
      details,
    });
  }
}
