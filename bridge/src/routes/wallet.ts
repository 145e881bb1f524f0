import { AppError } from "@tron-auth/shared/problems";
import {
  signMessageCallSchema,
  signTransactionCallSchema,
  WALLET_OPERATION_ID_PATTERN,
  type WalletOperation,
  walletSignaturesQuerySchema,
} from "@tron-auth/shared/protocol";
import { type Context, Hono } from "hono";
import { jsonBody, parseWith } from "../http/body.ts";
import { requirePermission } from "../http/permission.ts";
import { problemResponse } from "../http/problem-response.ts";
import type { BridgeEnv } from "../http/types.ts";
import type { SignRequest, WalletOperations } from "../wallet/wallet-operations.ts";
import type { Signer, WalletService } from "../wallet/wallet-service.ts";

const signerOf = (a: BridgeEnv["Variables"]["assertion"]): Signer => ({
  id: a.sub,
  roles: a.roles,
  requestId: a.rid,
});

/** An operation as the answer to a signing call: done (200), waiting (202), or its stored problem. */
function operationReply(c: Context<BridgeEnv>, op: WalletOperation): Response {
  if (op.status === "failed" && op.problem) return problemResponse(op.problem, c.get("requestId"));
  return c.json(op, op.status === "pending" ? 202 : 200);
}

const RECENT_SIGNATURES = 20;

/**
 * The wallet at the bridge: status and policy for wallet:read, signing for wallet:sign (checked
 * again inside), and every user's recent signatures for audit:read (who signed what is audit data).
 */
export function walletRoutes(wallet: { service: WalletService; operations: WalletOperations } | undefined) {
  const needWallet = () => {
    if (!wallet) throw new AppError("wallet_unavailable", "This bridge has no wallet device configured.");
    return wallet;
  };
  const submit = async (c: Context<BridgeEnv>, key: string, request: SignRequest) =>
    operationReply(c, await needWallet().operations.submit(signerOf(c.var.assertion), key, request));
  return new Hono<BridgeEnv>()
    .get("/internal/v1/wallet", requirePermission("wallet:read"), (c) =>
      c.json(
        wallet
          ? wallet.service.info()
          : { status: "disabled", driver: "none", appVersion: null, address: null, pending: 0 },
      ),
    )
    .get("/internal/v1/wallet/policy", requirePermission("wallet:read"), (c) =>
      c.json(needWallet().service.policy()),
    )
    .get("/internal/v1/wallet/signatures", requirePermission("audit:read"), async (c) => {
      const { limit } = parseWith(walletSignaturesQuerySchema, c.req.query());
      return c.json({ signatures: await needWallet().operations.recent(limit ?? RECENT_SIGNATURES) });
    })
    .post("/internal/v1/wallet/sign-transaction", requirePermission("wallet:sign"), async (c) => {
      const { idempotencyKey, ...call } = jsonBody(c, signTransactionCallSchema);
      return submit(c, idempotencyKey, { kind: "transaction", ...call });
    })
    .post("/internal/v1/wallet/sign-message", requirePermission("wallet:sign"), async (c) => {
      const { idempotencyKey, ...call } = jsonBody(c, signMessageCallSchema);
      return submit(c, idempotencyKey, { kind: "message", ...call });
    })
    .get("/internal/v1/wallet/operations/:id", requirePermission("wallet:sign"), async (c) => {
      const id = c.req.param("id");
      if (!WALLET_OPERATION_ID_PATTERN.test(id)) throw new AppError("not_found", "No such operation.");
      return c.json(await needWallet().operations.get(id, c.var.assertion.sub));
    });
}
