import { AppError, isProblemCode } from "@tron-auth/shared/problems";
import {
  derivationPathSchema,
  messageTextSchema,
  rawDataHexSchema,
  type SignMessageCall,
  type SignTransactionCall,
  signedMessageSchema,
  signedTransactionSchema,
  WALLET_OPERATION_ID_PATTERN,
  WALLET_SIGN_WAIT_MS,
  type WalletOperation,
  walletInfoSchema,
  walletOperationSchema,
  walletPolicySchema,
  walletSignaturesQuerySchema,
  walletSignaturesSchema,
} from "@tron-auth/shared/protocol";
import type { Context } from "hono";
import * as z from "zod/mini";
import { recordAudit } from "../audit/outbox.ts";
import { bridgeJson } from "../bridge/calls.ts";
import { bridgeUnavailable } from "../bridge/client.ts";
import { forwardedQuery } from "../http/forwarded-query.ts";
import { jsonBody } from "../http/json-body.ts";
import type { Define } from "../http/routes.ts";
import { needs, needsBound } from "../http/routes.ts";
import { lockdown } from "../lockdown/state.ts";
import type { AppEnv } from "../platform/env.ts";
import { idempotencyKeyHeaders, idempotencyKeyOf } from "./idempotency-key.ts";

const TAG = "wallet";
/** Signing needs a sign-in this recent: a stolen long-lived session cannot sign. */
const RECENT_LOGIN_MS = 10 * 60_000;

const path = z.optional(derivationPathSchema);
const transactionInput = z.object({
  raw_data_hex: rawDataHexSchema,
  txID: z.optional(
    z.string().check(
      z.regex(/^[0-9a-f]{64}$/i),
      z.meta({
        description: "The SHA-256 of raw_data_hex when sent (400 otherwise), which a schema cannot state.",
      }),
    ),
  ),
});
/**
 * Exactly one of `transaction` and `rawDataHex`: written as the two shapes, so the document states
 * the rule (oneOf) instead of a refinement it cannot show.
 */
const signTransactionRequest = z.union([
  z.strictObject({ transaction: transactionInput, path }),
  z.strictObject({ rawDataHex: rawDataHexSchema, path }),
]);

const signMessageRequest = z.strictObject({ message: messageTextSchema, path });

/** What a signing request may end in besides its result: the refusals here, the bridge's and the device's. */
const SIGNING_PROBLEMS = [
  "idempotency_key_invalid",
  "idempotency_key_reused",
  "reauth_required",
  "signing_frozen",
  "signing_policy_denied",
  "unsupported_by_device",
  "conflict",
  "wallet_rejected",
  "wallet_app_not_open",
  "wallet_locked",
  "wallet_signature_invalid",
  "wallet_disconnected",
  "wallet_unavailable",
  "wallet_operation_interrupted",
  "wallet_timeout",
] as const;
/** 202 while a person confirms on the device: poll the Location after Retry-After seconds. */
const PENDING = {
  202: {
    description: "Accepted: still under way; poll the Location",
    body: walletOperationSchema,
    headers: ["Location", "Retry-After"],
  },
};
const operationParams = z.object({ id: z.string().check(z.regex(WALLET_OPERATION_ID_PATTERN)) });

/** The bridge waits this long for the device, then says "pending"; our call allows a margin over it. */
const SIGN_CALL_TIMEOUT_MS = WALLET_SIGN_WAIT_MS + 2_000;
/** How soon a client polling a pending operation should come back. */
const POLL_AFTER_SECONDS = 2;
const operationPath = (id: string) => `/v1/wallet/operations/${id}`;

/**
 * A signing operation as the client sees it: the signed result (200), or 202 with the operation
 * and where to poll it while a person is still confirming on the device.
 */
function operationReply(c: Context<AppEnv>, op: WalletOperation): Response {
  if (op.status === "succeeded" && op.result) {
    c.header("Content-Location", operationPath(op.id));
    return c.json(op.result, 200);
  }
  if (op.status === "failed" && op.problem) {
    const { code, detail, reason } = op.problem;
    // A code the catalog does not hold is a bridge of another version: not answering as expected.
    if (!isProblemCode(code)) throw bridgeUnavailable("The bridge answered unexpectedly.");
    throw new AppError(code, detail, typeof reason === "string" ? { reason } : {});
  }
  c.header("Location", operationPath(op.id));
  c.header("Retry-After", String(POLL_AFTER_SECONDS));
  return c.json(op, 202);
}

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
  if (await lockdown.signingFrozen(c.env)) {
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
      response: walletInfoSchema,
      problems: ["wallet_unavailable"],
    },
    async (c) =>
      c.json(
        await bridgeJson(c.env, actor(c), {
          method: "GET",
          path: "/internal/v1/wallet",
          schema: walletInfoSchema,
        }),
      ),
  );

  define(
    {
      method: "get",
      path: "/v1/wallet/policy",
      access: needs("wallet:read", true),
      tag: TAG,
      status: 200,
      summary: "The signing policy: contract types, contracts, TRC-20 tokens, caps and derivation paths",
      response: walletPolicySchema,
      problems: ["wallet_unavailable"],
    },
    async (c) =>
      c.json(
        await bridgeJson(c.env, actor(c), {
          method: "GET",
          path: "/internal/v1/wallet/policy",
          schema: walletPolicySchema,
        }),
      ),
  );

  // Who signed what is audit data: every user's operations are for audit:read, not wallet:read.
  define(
    {
      method: "get",
      path: "/v1/wallet/signatures",
      access: needs("audit:read", true),
      tag: TAG,
      status: 200,
      summary: "Recent signing operations of every user (the last day), with decoded summaries",
      query: walletSignaturesQuerySchema,
      response: walletSignaturesSchema,
    },
    async (c) =>
      c.json(
        await bridgeJson(c.env, actor(c), {
          method: "GET",
          path: `/internal/v1/wallet/signatures${forwardedQuery(c, walletSignaturesQuerySchema)}`,
          schema: walletSignaturesSchema,
        }),
      ),
  );

  /** Both signing routes: the key first, then the refusals decided here, then the bridge. */
  const submit = async <T extends SignTransactionCall | SignMessageCall>(
    c: Context<AppEnv>,
    kind: "transaction" | "message",
    payload: Omit<T, "idempotencyKey">,
  ) => {
    const idempotencyKey = idempotencyKeyOf(c);
    await admitSigning(c, kind);
    const op = await bridgeJson(c.env, actor(c), {
      method: "POST",
      path: `/internal/v1/wallet/sign-${kind}`,
      schema: walletOperationSchema,
      payload: { idempotencyKey, ...payload },
      timeoutMs: SIGN_CALL_TIMEOUT_MS,
    });
    return operationReply(c, op);
  };

  define(
    {
      method: "post",
      path: "/v1/wallet/sign-transaction",
      access: needsBound("wallet:sign"),
      tag: TAG,
      status: 200,
      summary:
        "Sign a TRON transaction on the device (idempotent per Idempotency-Key; 202 while a person confirms)",
      headers: idempotencyKeyHeaders,
      body: signTransactionRequest,
      response: signedTransactionSchema,
      alternatives: PENDING,
      problems: SIGNING_PROBLEMS,
    },
    async (c) => {
      const body = await jsonBody(c, signTransactionRequest);
      const transaction = "transaction" in body ? body.transaction : undefined;
      const rawDataHex = (
        transaction?.raw_data_hex ?? ("rawDataHex" in body ? body.rawDataHex : "")
      ).toLowerCase();
      if (transaction?.txID && transaction.txID.toLowerCase() !== (await sha256Hex(rawDataHex))) {
        throw new AppError("validation_failed", "transaction.txID is not the SHA-256 of raw_data_hex.");
      }
      return submit<SignTransactionCall>(c, "transaction", {
        rawDataHex,
        ...(body.path ? { path: body.path } : {}),
      });
    },
  );

  define(
    {
      method: "post",
      path: "/v1/wallet/sign-message",
      access: needsBound("wallet:sign"),
      tag: TAG,
      status: 200,
      summary: "Sign a message (TIP-191) on the device, inside the service's envelope (idempotent, as above)",
      headers: idempotencyKeyHeaders,
      body: signMessageRequest,
      response: signedMessageSchema,
      alternatives: PENDING,
      problems: SIGNING_PROBLEMS,
    },
    async (c) => submit<SignMessageCall>(c, "message", await jsonBody(c, signMessageRequest)),
  );

  define(
    {
      method: "get",
      path: "/v1/wallet/operations/:id",
      access: needsBound("wallet:sign"),
      tag: TAG,
      status: 200,
      summary:
        "A signing operation of the caller's: pending, succeeded (with the result) or failed (with the problem)",
      params: operationParams,
      response: walletOperationSchema,
      problems: ["not_found"],
    },
    async (c) => {
      const id = c.req.param("id") ?? "";
      if (!WALLET_OPERATION_ID_PATTERN.test(id)) throw new AppError("not_found", "No such operation.");
      const op = await bridgeJson(c.env, actor(c), {
        method: "GET",
        path: `/internal/v1/wallet/operations/${id}`,
        schema: walletOperationSchema,
      });
      return c.json(op);
    },
  );
}
