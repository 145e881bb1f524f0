import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../platform/env.ts";
import { walletConnectProjectId } from "../platform/walletconnect.ts";

/**
 * The page's scripts and styles come only from this origin (no inline script, so an injected
 * `<script>` or event attribute never runs), it talks only to this origin, and no other site may
 * frame it (clickjacking a "Sign" button). The same policy on API responses costs nothing and
 * keeps a JSON body opened as a document inert.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/**
 * Only where WalletConnect is configured (WALLETCONNECT_PROJECT_ID): its relay, its modal's API,
 * images and fonts, and its verify frame. Still no script from anywhere but this origin.
 */
const WALLETCONNECT_HOSTS = "https://*.walletconnect.org https://*.walletconnect.com";
export const WALLETCONNECT_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
  "img-src 'self' data:",
  `img-src 'self' data: ${WALLETCONNECT_HOSTS} https://api.web3modal.org`,
)
  .replace(
    "connect-src 'self'",
    `connect-src 'self' ${WALLETCONNECT_HOSTS} wss://*.walletconnect.org wss://*.walletconnect.com https://api.web3modal.org`,
  )
  .concat(`; font-src https://fonts.reown.com; frame-src ${WALLETCONNECT_HOSTS}`);

const HEADERS: Record<string, string> = {
  // Two years, subdomains included: a sign-in origin must never be reached over plain HTTP.
  "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
  // Page URLs carry nothing secret today; no-referrer keeps it so if one ever does.
  "Referrer-Policy": "no-referrer",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Cross-Origin-Opener-Policy": "same-origin",
};

/** Sets the security headers on every response, pages and API alike, after the handler ran. */
export const securityHeaders = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  for (const [name, value] of Object.entries(HEADERS)) c.res.headers.set(name, value);
  c.res.headers.set(
    "Content-Security-Policy",
    walletConnectProjectId(c.env) ? WALLETCONNECT_CONTENT_SECURITY_POLICY : CONTENT_SECURITY_POLICY,
  );
});
