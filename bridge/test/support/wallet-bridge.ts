import type { SoftwareTronDevice } from "../../src/wallet/software-device.ts";
import { type CallResult, startTestBridge, type TestBridge } from "./harness.ts";
import { TEST_MNEMONIC } from "./transactions.ts";
import { newWallet } from "./wallet.ts";

export type Actor = { sub: string; roles: string[] };
export type SignOptions = { path?: string; as?: Actor };

export type WalletBridge = {
  t: TestBridge;
  /** The bootstrap SUPER_ADMIN, signed in: may sign. */
  signer: Actor;
  device(): SoftwareTronDevice;
  signTx(rawDataHex: string, o?: SignOptions): Promise<CallResult>;
  signMsg(message: string, o?: SignOptions): Promise<CallResult>;
  /** The audit events recorded for `signer`, newest first. */
  auditEvents(): Promise<{ type: string; outcome: string; details: Record<string, unknown> }[]>;
};

/** A bridge with the software Ledger (real hw-app-trx over APDUs) and a signed-in SUPER_ADMIN. */
export async function startWalletBridge(env: Record<string, string> = {}): Promise<WalletBridge> {
  const root = newWallet();
  const t = await startTestBridge({
    NODE_ENV: "test",
    WALLET_DRIVER: "software",
    SOFTWARE_WALLET_MNEMONIC: TEST_MNEMONIC,
    BOOTSTRAP_SUPER_ADMIN_ADDRESS: root.address,
    ...env,
  });
  const sa = await t.actorFor(root);
  const signer = { sub: sa.id, roles: sa.roles };
  const sign = (route: string, body: Record<string, unknown>, o: SignOptions) =>
    t.call(`/internal/v1/wallet/${route}`, {
      body: { ...body, ...(o.path ? { path: o.path } : {}) },
      assertion: o.as ?? signer,
    });
  return {
    t,
    signer,
    device: () => {
      if (!t.bridge.softwareDevice) throw new Error("no software device");
      return t.bridge.softwareDevice;
    },
    signTx: (rawDataHex, o = {}) => sign("sign-transaction", { rawDataHex }, o),
    signMsg: (message, o = {}) => sign("sign-message", { message }, o),
    auditEvents: async () => {
      const res = await t.call(`/internal/v1/audit?userId=${signer.sub}&limit=200`, { assertion: signer });
      return res.body.events as { type: string; outcome: string; details: Record<string, unknown> }[];
    },
  };
}
