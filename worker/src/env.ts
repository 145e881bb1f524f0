// The worker's bindings: what wrangler.toml (vars, the mTLS certificate binding) and secrets provide.
export type Env = {
  /** mTLS Fetcher to the bridge: `[[mtls_certificates]]` in production, a service binding locally. */
  BRIDGE: Fetcher;
  /** Origin used in URLs sent through BRIDGE (only its host matters for SNI and routing). */
  BRIDGE_ORIGIN?: string;
  UPSTASH_REDIS_REST_URL: string;
  UPSTASH_REDIS_REST_TOKEN: string;
  SERVICE_VERSION?: string;
};

export type AppBindings = { Bindings: Env };
