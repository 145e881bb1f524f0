import type { Role } from "@tron-auth/shared/auth";

// The worker's bindings: what wrangler.toml (vars, the mTLS certificate binding) and secrets provide.
export type Env = {
  /** mTLS Fetcher to the bridge: `[[mtls_certificates]]` in production, a service binding locally. */
  BRIDGE?: Fetcher;
  /** wrangler dev only: the local mTLS forwarder (`npm run forwarder`), used when BRIDGE is absent. */
  BRIDGE_FORWARDER_URL?: string;
  /** Origin used in URLs sent through BRIDGE (only its host matters for SNI and routing). */
  BRIDGE_ORIGIN?: string;
  /** The pages (wrangler.toml [assets]); absent in the API-only test worker. */
  ASSETS?: Fetcher;
  UPSTASH_REDIS_REST_URL: string;
  /** Secret. */
  UPSTASH_REDIS_REST_TOKEN: string;
  /** Secret: JWK set of Ed25519 private keys; the first signs. `npm run keys -- generate`. */
  JWT_SIGNING_KEYS?: string;
  /**
   * Secret: comma-separated base64url HMAC keys (>= 256 bits each); the first signs session
   * records, all verify. Only the worker holds it, so Redis write access cannot mint a session.
   * `npm run keys -- session-mac`.
   */
  SESSION_MAC_KEY?: string;
  SERVICE_VERSION?: string;
  SIWT_DOMAIN?: string;
  SIWT_URI?: string;
  SIWT_CHAIN_ID?: string;
  SIWT_STATEMENT?: string;
  JWT_ISSUER?: string;
  JWT_AUDIENCE?: string;
  BRIDGE_AUDIENCE?: string;
  ACCESS_TOKEN_EXPIRE_MINUTES?: string;
  REFRESH_TOKEN_EXPIRE_DAYS?: string;
  MAX_SESSIONS_PER_USER?: string;
  REFRESH_GRACE_SECONDS?: string;
  CHALLENGE_TTL_SECONDS?: string;
  SESSION_CACHE_MS?: string;
  RATE_LIMIT_WINDOW_SECONDS?: string;
  RATE_LIMIT_PUBLIC?: string;
  RATE_LIMIT_USER?: string;
  RATE_LIMIT_PRIVILEGED?: string;
  RATE_LIMIT_CHALLENGE?: string;
  RATE_LIMIT_LOGIN?: string;
  RATE_LIMIT_LEASE?: string;
  LOGIN_BLOCK_FAILURES_PER_ADDRESS?: string;
  LOGIN_BLOCK_FAILURES_PER_CLIENT?: string;
  LOGIN_BLOCK_WINDOW_SECONDS?: string;
  LOGIN_BLOCK_SECONDS?: string;
  BRIDGE_BREAKER_FAILURES?: string;
  BRIDGE_BREAKER_COOLDOWN_MS?: string;
  DPOP_REQUIRED?: string;
  /**
   * The sign-in page offers WalletConnect only when this is set (a Reown/WalletConnect Cloud project
   * id: public, every dApp's page carries its own). GET /v1/pages/config tells the page.
   */
  WALLETCONNECT_PROJECT_ID?: string;
};

/** Who is calling, once the access token and its session have been checked. */
export type AuthContext = {
  userId: string;
  address: string;
  /** From the live session record, not the token: role changes apply at once. */
  roles: Role[];
  sid: string;
  loginAt: number;
  /** The thumbprint of the key the session is bound to (DPoP), or undefined for a bearer session. */
  jkt: string | undefined;
};

/** The outcome of the request's rate-limit check, turned into RateLimit-* headers on the way out. */
export type RateLimitState = { limit: number; remaining: number; reset: number };

export type AppEnv = {
  Bindings: Env;
  Variables: {
    requestId: string;
    auth: AuthContext;
    rateLimit: RateLimitState;
    /** This isolate's DPoP nonce, offered on the response to a request that sent a proof. */
    dpopNonce: string;
  };
};
