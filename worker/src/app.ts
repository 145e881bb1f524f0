import { Hono } from "hono";
import type { AppBindings } from "./env.ts";
import { renderError, renderNotFound } from "./http/errors.ts";
import { healthRoutes } from "./routes/health.ts";

export function createApp(): Hono<AppBindings> {
  const app = new Hono<AppBindings>();
  app.route("/", healthRoutes);
  app.notFound(renderNotFound);
  app.onError(renderError);
  return app;
}
