import { AppError } from "@tron-auth/shared/problems";
import { signMessageCallSchema, signTransactionCallSchema } from "@tron-auth/shared/protocol";
import { Hono } from "hono";
import { jsonBody } from "../http/body.ts";
import { requirePermission } from "../http/permission.ts";
import type { BridgeEnv } from "../http/types.ts";
import type { Signer, WalletService } from "../wallet/wallet-service.ts";

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
        wallet
          ? wallet.info()
          : { status: "disabled", driver: "none", appVersion: null, address: null, pending: 0 },
      ),
    )
    .post("/internal/v1/wallet/sign-transaction", requirePermission("wallet:sign"), async (c) => {
      const body = jsonBody(c, signTransactionCallSchema);
      if (!wallet) return unavailable();
      return c.json(await wallet.signTransaction(signerOf(c.var.assertion), body.rawDataHex, body.path));
    })
    .post("/internal/v1/wallet/sign-message", requirePermission("wallet:sign"), async (c) => {
      const body = jsonBody(c, signMessageCallSchema);
      if (!wallet) return unavailable();
      return c.json(await wallet.signMessage(signerOf(c.var.assertion), body.message, body.path));
    });
}
