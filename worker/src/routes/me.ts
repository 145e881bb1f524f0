import { permissionsOf } from "@tron-auth/shared/auth";
import { Hono } from "hono";
import { requireAuth } from "../auth/require-auth.ts";
import type { AppEnv } from "../env.ts";

export const meRoutes = new Hono<AppEnv>().get("/v1/me", requireAuth, (c) => {
  const { userId, address, roles } = c.var.auth;
  return c.json({ id: userId, address, roles, permissions: permissionsOf(roles) });
});
