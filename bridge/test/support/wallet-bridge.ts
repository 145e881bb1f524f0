import { randomUUID } from "node:crypto";
import type { DeviceHolder } from "../../src/wallet/software/device-holder.ts";
import { type CallResult, startTestBridge, type TestBridge } from "./harness.ts";
import { TEST_MNEMONIC } from "./transactions.ts";
import { newWallet, type Wallet } from "./wallet.ts";

export type Actor = { sub: string; roles: string[] };
/** `key`: the Idempotency-Key (default: a fresh one per call). */
export type SignOptions = { path?: string; as?: Actor; key?: string };
/** A signing call's answer: `body` is the signed result when it succeeded (200). */
export type SignResult = CallResult & { operation?: Record<string, unknown> };

export type WalletBridge = {
  t: TestBridge;
  /** The bootstrap SUPER_ADMIN, signed in: may sign. */
  signer: Actor;
  device(): DeviceHolder;
  signTx(rawDataHex: string, o?: SignOptions): Promise<SignResult>;
  signMsg(message: string, o?: SignOptions): Promise<SignResult>;
  /** GET an operation as `as` (default: the signer). */
  operation(id: string, as?: Actor): Promise<CallResult>;
  /** The audit events recorded for `signer`, newest first. */
  auditEvents(): Promise<{ type: string; outcome: string; details: Record<string, unknown> }[]>;
};

/** A bridge with the software Ledger (real hw-app-trx over APDUs) and a signed-in SUPER_ADMIN. */
export async function startWalletBridge(
  env: Record<string, string> = {},
  o: { moreAdmins?: Wallet[] } = {},
): Promise<WalletBridge> {
  const root = newWallet();
  const t = await startTestBridge({
    NODE_ENV: "test",
    WALLET_DEVICE: "software-ledger",
    SOFTWARE_WALLET_MNEMONIC: TEST_MNEMONIC,
    BOOTSTRAP_SUPER_ADMIN_ADDRESS: [root, ...(o.moreAdmins ?? [])].map((w) => w.address).join(","),
    ...env,
  });
  const sa = await t.actorFor(root);
  const signer = { sub: sa.id, roles: sa.roles };
  // A Trezor is found by connect's first enumeration, a moment after start: tests begin once
  // the device answered (a Ledger answers at once).
  for (let i = 0; i < 100; i++) {
    const info = await t.call("/internal/v1/wallet", { assertion: signer });
    if (info.body.status === "ready") break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const sign = async (route: string, body: Record<string, unknown>, o: SignOptions): Promise<SignResult> => {
    const res = await t.call(`/internal/v1/wallet/${route}`, {
      body: { idempotencyKey: o.key ?? randomUUID(), ...body, ...(o.path ? { path: o.path } : {}) },
      assertion: o.as ?? signer,
    });
    const result = res.body.result as Record<string, unknown> | undefined;
    return res.status === 200 && result
      ? { status: 200, body: result, operation: res.body }
      : { ...res, ...(res.status === 202 ? { operation: res.body } : {}) };
  };
  return {
    t,
    signer,
    device: () => {
      if (!t.bridge.softwareDevice) throw new Error("no software device");
      return t.bridge.softwareDevice;
    },
    signTx: (rawDataHex, o = {}) => sign("sign-transaction", { rawDataHex }, o),
    signMsg: (message, o = {}) => sign("sign-message", { message }, o),
    operation: (id, as = signer) => t.call(`/internal/v1/wallet/operations/${id}`, { assertion: as }),
    auditEvents: async () => {
      const res = await t.call(`/internal/v1/audit?userId=${signer.sub}&limit=200`, { assertion: signer });
      return res.body.events as { type: string; outcome: string; details: Record<string, unknown> }[];
    },
  };
}
