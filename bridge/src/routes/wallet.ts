import { AppError } from "@tron-auth/shared/problems";
import { Hono } from "hono";
import { z } from "zod";
import { jsonBody } from "../http/body.ts";
import { requirePermission } from "../http/permission.ts";
import type { BridgeEnv } from "../http/types.ts";
import type { Signer, WalletService } from "../wallet/wallet-service.ts";

const path = z
  .string()
  .regex(/^(m\/)?44'\/195'\/\d{1,9}'\/\d{1,9}\/\d{1,9}$/, "a TRON BIP-44 path like 44'/195'/0'/0/0")
  .transform((p) => p.replace(/^m\//, ""))
  .optional();
const signTransactionBody = z.strictObject({ rawDataHex: z.string().min(2).max(131_072), path });
const signMessageBody = z.strictObject({ message: z.string().min(1).max(8_192), path });

const signerOf = (a: BridgeEnv["Variables"]["assertion"]): Signer => ({
  id: a.sub,
  roles: a.roles,
  requestId: a.rid,
});

/** The wallet at the bridge: status for wallet:read, signing for wallet:sign (checked again inside). */
export function walletRoutes(wallet: WalletService | undefined) {
  const unavailable = (): never => {
    throw new AppError("wallet_unavailable", "This bridge has no wallet device configured.");
  };
  return new Hono<BridgeEnv>()
    .get("/internal/v1/wallet", requirePermission("wallet:read"), (c) =>
      c.json(
        wallet ? wallet.info() : { status: "disabled", driver: "none", appVersion: null, address: null },
      ),
    )
    .post("/internal/v1/wallet/sign-transaction", requirePermission("wallet:sign"), async (c) => {
      const body = jsonBody(c, signTransactionBody);
      if (!wallet) return unavailable();
      return c.json(await wallet.signTransaction(signerOf(c.var.assertion), body.rawDataHex, body.path));
    })
    .post("/internal/v1/wallet/sign-message", requirePermission("wallet:sign"), async (c) => {
      const body = jsonBody(c, signMessageBody);
      if (!wallet) return unavailable();
      return c.json(await wallet.signMessage(signerOf(c.var.assertion), body.message, body.path));
    });
}
