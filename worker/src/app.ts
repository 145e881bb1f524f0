import { Hono } from "hono";
import type { AppEnv } from "./env.ts";
import { definer } from "./http/define.ts";
import { renderError, renderNotFound } from "./http/errors.ts";
import { requestId } from "./http/request-id.ts";
import { rateLimitHeaders } from "./limits/headers.ts";
import { registerLockdownRoutes } from "./lockdown/routes.ts";
import { registerAdminRoutes } from "./routes/admin.ts";
import { registerAuthRoutes } from "./routes/auth.ts";
import { registerHealthRoutes } from "./routes/health.ts";
import { registerJwksRoutes } from "./routes/jwks.ts";
import { registerOpenApiRoute } from "./routes/openapi.ts";
import { registerWalletRoutes } from "./routes/wallet.ts";

/** Every route goes through defineRoute: it states its access, gets its guards and is documented. */
export function createApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(requestId);
  app.use(rateLimitHeaders);
  const define = definer(app);
  registerHealthRoutes(define);
  registerJwksRoutes(define);
  registerAuthRoutes(define);
  registerAdminRoutes(define);
  registerLockdownRoutes(define);
  registerWalletRoutes(define);
  registerOpenApiRoute(define, app);
  app.notFound(renderNotFound);
  app.onError(renderError);
  return app;
}
