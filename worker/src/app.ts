import { Hono } from "hono";
import { registerAdminRoutes } from "./admin/routes.ts";
import { dpopNonceHeader } from "./dpop/request-proof.ts";
import { definer } from "./guard/define-route.ts";
import { registerHealthRoutes } from "./health/routes.ts";
import { renderError } from "./http/errors.ts";
import { requestId } from "./http/request-id.ts";
import { routeSpecsOf } from "./http/routes.ts";
import { securityHeaders } from "./http/security-headers.ts";
import { rateLimitHeaders } from "./limits/headers.ts";
import { registerLockdownRoutes } from "./lockdown/routes.ts";
import { registerOpenApiRoute } from "./openapi/routes.ts";
import { pagesOrNotFound } from "./pages/assets.ts";
import { registerPageConfigRoute } from "./pages/config-route.ts";
import type { AppEnv } from "./platform/env.ts";
import { registerSessionRoutes } from "./sessions/routes.ts";
import { registerSignInRoutes } from "./signin/routes.ts";
import { registerJwksRoutes } from "./tokens/routes.ts";
import { registerWalletRoutes } from "./wallet/routes.ts";

/** Every route goes through defineRoute: it states its access, gets its guards and is documented. */
export function createApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(securityHeaders);
  app.use(requestId);
  app.use(rateLimitHeaders);
  app.use(dpopNonceHeader);
  const define = definer(app);
  registerHealthRoutes(define);
  registerJwksRoutes(define);
  registerSignInRoutes(define);
  registerSessionRoutes(define);
  registerAdminRoutes(define);
  registerLockdownRoutes(define);
  registerWalletRoutes(define);
  registerPageConfigRoute(define);
  registerOpenApiRoute(define, app);
  app.notFound(pagesOrNotFound(routeSpecsOf(app)));
  app.onError(renderError);
  return app;
}
