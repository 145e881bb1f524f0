import { type PageConfig, pageConfigSchema } from "@tron-auth/shared/protocol";
import type { Define } from "../http/routes.ts";
import { PUBLIC } from "../http/routes.ts";
import type { Env } from "../platform/env.ts";
import { walletConnectProjectId } from "../platform/walletconnect.ts";

export function pageConfigOf(env: Env): PageConfig {
  const projectId = walletConnectProjectId(env);
  return { chainId: env.SIWT_CHAIN_ID ?? null, walletConnect: projectId ? { projectId } : null };
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
      problems: ["service_unavailable"],
    },
    (c) => c.json(pageConfigOf(c.env)),
  );
}
