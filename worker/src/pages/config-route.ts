import { type PageConfig, pageConfigSchema } from "@tron-auth/shared/protocol";
import type { Define } from "../http/routes.ts";
import { PUBLIC } from "../http/routes.ts";
import type { Env } from "../platform/env.ts";

const PROJECT_ID = /^[0-9a-f]{32}$/;

/**
 * A malformed project id is treated as none: WalletConnect would fail for every person who chose
 * it, while the other wallets still work, so the page leaves it out rather than the worker refusing
 * to start over an optional setting.
 */
export function pageConfigOf(env: Env): PageConfig {
  const projectId = env.WALLETCONNECT_PROJECT_ID?.trim().toLowerCase() ?? "";
  return { walletConnect: PROJECT_ID.test(projectId) ? { projectId } : null };
}

/** The pages' deployment settings, read by the sign-in page when it loads. */
export function registerPageConfigRoute(define: Define): void {
  define(
    {
      method: "get",
      path: "/v1/pages/config",
      access: PUBLIC,
      tag: "pages",
      status: 200,
      summary: "What the pages need to know of this deployment (whether WalletConnect is offered)",
      response: pageConfigSchema,
    },
    (c) => {
      c.header("Cache-Control", "public, max-age=300");
      return c.json(pageConfigOf(c.env));
    },
  );
}
