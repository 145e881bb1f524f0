import { AppError } from "@tron-auth/shared/problems";
import type { Context } from "hono";
import * as z from "zod/mini";
import { recordAudit } from "../audit/outbox.ts";
import { bridgeJson } from "../bridge/calls.ts";
import { jsonBody } from "../http/json-body.ts";
import type { Define } from "../http/routes.ts";
import { needs } from "../http/routes.ts";
import { lockdown } from "../lockdown/state.ts";
import type { AppEnv } from "../platform/env.ts";

const TAG = "wallet";
/** Signing needs a sign-in this recent: a stolen long-lived session cannot sign. */
const RECENT_LOGIN_MS = 10 * 60_000;

const hexBytes = (max: number) =>
  z.string().check(z.regex(/^(?:[0-9a-fA-F]{2})+$/, "hex bytes"), z.maxLength(max));
const path = z.optional(z.string().check(z.maxLength(64)));
const transactionInput = z.object({
  raw_data_hex: hexBytes(131_072),
  txID: z.optional(z.string().check(z.regex(/^[0-9a-f]{64}$/i))),
});
const signTransactionRequest = z
  .strictObject({
    transaction: z.optional(transactionInput),
    rawDataHex: z.optional(hexBytes(131_072)),
    path,
  })
  .check(
    z.refine(
      (b) => (b.transaction === undefined) !== (b.rawDataHex === undefined),
      "send exactly one of transaction or rawDataHex",
    ),
  );
const signMessageRequest = z.strictObject({
  message: z.string().check(z.minLength(1), z.maxLength(8_192)),
  path,
});
const walletInfo = z.object({
  status: z.string(),
  driver: z.string(),
  appVersion: z.nullable(z.string()),
  address: z.nullable(z.string()),
});
const signedTransaction = z.object({
  txID: z.string(),
  signature: z.string(),
  signedTransaction: z.object({ txID: z.string(), raw_data_hex: z.string(), signature: z.array(z.string()) }),
});
const signedMessage = z.object({ address: z.string(), signature: z.string() });

const actor = (c: Context<AppEnv>) => ({
  sub: c.var.auth.userId,
  roles: c.var.auth.roles,
  requestId: c.var.requestId,
});

/** Refusals decided here, before the bridge: a stale sign-in and the lockdown's freeze. */
async function admitSigning(c: Context<AppEnv>, kind: string): Promise<void> {
  const denied = async (reason: string, error: AppError) => {
    await recordAudit(c, {
      type: "wallet_policy_denied",
      outcome: "denied",
      actor: { id: c.var.auth.userId, roles: c.var.auth.roles },
      details: { kind, reason },
    });
    return error;
  };
  if (Date.now() - c.var.auth.loginAt > RECENT_LOGIN_MS) {
    throw await denied(
      "reauth_required",
      new AppError("reauth_required", "Sign in again (within 10 minutes) to sign."),
    );
  }
  if ((await lockdown.read(c.env)).signing) {
    throw await denied("lockdown", new AppError("signing_frozen", "Signing is frozen by a lockdown."));
  }
}

async function sha256Hex(rawHex: string): Promise<string> {
  const bytes = new Uint8Array(rawHex.match(/../g)?.map((b) => Number.parseInt(b, 16)) ?? []);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export function registerWalletRoutes(define: Define): void {
  define(
    {
      method: "get",
      path: "/v1/wallet",
      access: needs("wallet:read", true),
      tag: TAG,
      status: 200,
      summary: "Wallet device status",
      response: walletInfo,
    },
    async (c) =>
      c.json(
        await bridgeJson(c.env, actor(c), { method: "GET", path: "/internal/v1/wallet", schema: walletInfo }),
      ),
  );

  define(
    {
      method: "post",
      path: "/v1/wallet/sign-transaction",
      access: needs("wallet:sign", true),
      tag: TAG,
      status: 200,
      summary: "Sign a TRON transaction on the device",
      body: signTransactionRequest,
      response: signedTransaction,
    },
    async (c) => {
      const body = await jsonBody(c, signTransactionRequest);
      const rawDataHex = (body.transaction?.raw_data_hex ?? body.rawDataHex ?? "").toLowerCase();
      if (body.transaction?.txID && body.transaction.txID.toLowerCase() !== (await sha256Hex(rawDataHex))) {
        throw new AppError("validation_failed", "transaction.txID is not the SHA-256 of raw_data_hex.");
      }
      await admitSigning(c, "transaction");
      const payload = { rawDataHex, ...(body.path ? { path: body.path } : {}) };
      return c.json(
        await bridgeJson(c.env, actor(c), {
          method: "POST",
          path: "/internal/v1/wallet/sign-transaction",
          schema: signedTransaction,
          payload,
        }),
      );
    },
  );

  define(
    {
      method: "post",
      path: "/v1/wallet/sign-message",
      access: needs("wallet:sign", true),
      tag: TAG,
      status: 200,
      summary: "Sign a message (TIP-191) on the device",
      body: signMessageRequest,
      response: signedMessage,
    },
    async (c) => {
      const body = await jsonBody(c, signMessageRequest);
      await admitSigning(c, "message");
      return c.json(
        await bridgeJson(c.env, actor(c), {
          method: "POST",
          path: "/internal/v1/wallet/sign-message",
          schema: signedMessage,
          payload: body,
        }),
      );
    },
  );
}
