import { Hono } from "hono";
import type { AppEnv } from "./env.ts";
import { renderError, renderNotFound } from "./http/errors.ts";
import { requestId } from "./http/request-id.ts";
import { authRoutes } from "./routes/auth.ts";
import { healthRoutes } from "./routes/health.ts";
import { jwksRoutes } from "./routes/jwks.ts";
import { meRoutes } from "./routes/me.ts";

export function createApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(requestId);
  app.route("/", healthRoutes);
  app.route("/", jwksRoutes);
  app.route("/", authRoutes);
  app.route("/", meRoutes);
  app.notFound(renderNotFound);
  app.onError(renderError);
  return app;
}
