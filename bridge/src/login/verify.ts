import { AppError, type ProblemCode, problemCodeOf } from "@tron-auth/shared/problems";
import type { LoginVerifyRequest } from "@tron-auth/shared/protocol";
import { parseSiwtMessage, validateSiwtMessage } from "@tron-auth/shared/siwt";
import type { AuditStore } from "../audit/store.ts";
import { newId } from "../db/ids.ts";
import { verifyTronMessageSignature } from "../tron/signature.ts";
import type { UserStore } from "../users/store.ts";
import { effectiveStatus, type PublicUser, toPublicUser } from "../users/user.ts";

export type LoginRequest = LoginVerifyRequest;

export type LoginDeps = {
  users: UserStore;
  audit: AuditStore;
  expected: { domain: string; uri: string; chainId: string };
  bootstrapAddresses?: readonly string[];
  now: () => Date;
};

type Context = { requestId: string; ip?: string | undefined; userAgent?: string | undefined };

/**
 * Verifies a Sign-In-with-TRON login and loads (or creates) the user. Every refusal is recorded
 * with its precise reason; the worker shows the client one generic 401.
 */
export async function verifyLogin(
  req: LoginRequest,
  deps: LoginDeps,
  ctx: Context,
): Promise<{ user: PublicUser }> {
  const now = deps.now();
  const fail = async (
    code: ProblemCode,
    detail: string,
    address?: string,
    status: "failure" | "denied" = "failure",
  ) => {
    await recordLoginEvent(deps.audit, ctx, now, status, { address }, { reason: code });
    return new AppError(code, detail);
  };

  let message: ReturnType<typeof parseSiwtMessage>;
  try {
    message = parseSiwtMessage(req.message);
  } catch {
    throw await fail("siwt_malformed", "The sign-in message was refused.");
  }
  try {
    validateSiwtMessage(message, { ...deps.expected, now });
  } catch (error) {
    throw await fail(
      problemCodeOf(error) ?? "siwt_malformed",
      "The sign-in message was refused.",
      message.address,
    );
  }

  const signature = verifyTronMessageSignature(req.message, req.signature, message.address);
  if (!signature.ok) throw await fail(signature.reason, "The signature was refused.", message.address);

  const login = await deps.users.recordLogin(message.address, now, deps.bootstrapAddresses);
  if (!login.ok) {
    const code = effectiveStatus(login.refused, now) === "locked" ? "account_locked" : "account_disabled";
    throw await fail(code, "This account cannot sign in.", message.address, "denied");
  }
  const { user } = login;
  await recordLoginEvent(
    deps.audit,
    ctx,
    now,
    "success",
    { id: user.id, address: user.address, roles: user.roles },
    {
      chainId: message.chainId,
    },
  );
  return { user: toPublicUser(user, now) };
}

function recordLoginEvent(
  audit: AuditStore,
  ctx: Context,
  at: Date,
  outcome: "success" | "failure" | "denied",
  actor: { id?: string; address?: string | undefined; roles?: string[] },
  details: Record<string, unknown>,
): Promise<boolean> {
  const cleanActor = Object.fromEntries(Object.entries(actor).filter(([, v]) => v !== undefined));
  return audit.record({
    id: newId("evt", at.getTime()),
    at,
    type: outcome === "success" ? "login_success" : "login_failure",
    outcome,
    actor: cleanActor,
    client: { ...(ctx.ip ? { ip: ctx.ip } : {}), ...(ctx.userAgent ? { userAgent: ctx.userAgent } : {}) },
    requestId: ctx.requestId,
    details,
  });
}
