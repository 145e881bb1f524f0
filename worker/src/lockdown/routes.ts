import { lockdownBody } from "@tron-auth/shared/protocol";
import * as z from "zod/mini";
import { recordAudit } from "../audit/outbox.ts";
import { jsonBody } from "../http/json-body.ts";
import type { Define } from "../http/routes.ts";
import { needs } from "../http/routes.ts";
import { sessionsOf } from "../sessions/for-request.ts";
import { lockdown, lockdownState } from "./state.ts";

const TAG = "admin";
const lockdownEnvelope = z.object({ lockdown: lockdownState });

/** The SUPER_ADMIN's emergency brake: read, engage, lift (lockdown:manage, always read fresh). */
export function registerLockdownRoutes(define: Define): void {
  define(
    {
      method: "get",
      path: "/v1/admin/lockdown",
      access: needs("lockdown:manage", true),
      tag: TAG,
      status: 200,
      summary: "Lockdown state",
      response: lockdownEnvelope,
    },
    async (c) => c.json({ lockdown: await lockdown.read(c.env) }),
  );

  define(
    {
      method: "post",
      path: "/v1/admin/lockdown",
      access: needs("lockdown:manage", true),
      tag: TAG,
      status: 200,
      summary: "Freeze signing and/or end every other session",
      body: lockdownBody,
      response: lockdownEnvelope,
    },
    async (c) => {
      const body = await jsonBody(c, lockdownBody);
      const request = { signing: body.signing === true, sessions: body.sessions === true };
      const state = await lockdown.engage(c.env, sessionsOf(c), request, c.var.auth);
      await recordAudit(c, {
        type: "lockdown",
        outcome: "success",
        actor: { id: c.var.auth.userId, roles: c.var.auth.roles },
        details: request,
      });
      return c.json({ lockdown: state });
    },
  );

  define(
    {
      method: "delete",
      path: "/v1/admin/lockdown",
      access: needs("lockdown:manage", true),
      tag: TAG,
      status: 204,
      summary: "Lift the lockdown (ended sessions stay ended)",
    },
    async (c) => {
      await lockdown.lift(c.env);
      await recordAudit(c, {
        type: "lockdown_lifted",
        outcome: "success",
        actor: { id: c.var.auth.userId, roles: c.var.auth.roles },
      });
      return c.body(null, 204);
    },
  );
}
