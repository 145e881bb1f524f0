type Keypair = { certificateChain: string; privateKey: string };

/** What the worker needs to reach the rest of the local system. Plain data: it crosses into workerd. */
export type EdgeWiring = {
  upstashUrl: string;
  upstashToken: string;
  /** host:port of the bridge's mTLS listener. */
  bridgeAddress: string;
  caPem: string;
  clientKeypair: Keypair;
  /** JWT_SIGNING_KEYS: a JWK set (JSON) of private keys. */
  jwtSigningKeys: string;
  sessionMacKey: string;
  siwt: { domain: string; uri: string; chainId: string };
  jwt: { issuer: string; audience: string };
};

export type WorkerBindings = {
  bindings: Record<string, string>;
  serviceBindings: Record<string, ReturnType<typeof bridgeBinding>>;
};

/**
 * An mTLS service binding to the bridge, as `[[mtls_certificates]]` gives one in production:
 * the worker presents `keypair` and trusts only the private CA. Without a keypair it presents none.
 */
export function bridgeBinding(address: string, caPem: string, keypair?: Keypair) {
  return {
    external: {
      address,
      https: {
        tlsOptions: { ...(keypair ? { keypair } : {}), trustedCertificates: [caPem] },
        certificateHost: "localhost",
      },
    },
  };
}

/** The worker's vars, secrets and BRIDGE binding against the local stack. */
export function workerBindings(w: EdgeWiring): WorkerBindings {
  return {
    bindings: {
      UPSTASH_REDIS_REST_URL: w.upstashUrl,
      UPSTASH_REDIS_REST_TOKEN: w.upstashToken,
      BRIDGE_ORIGIN: "https://localhost",
      JWT_SIGNING_KEYS: w.jwtSigningKeys,
      SESSION_MAC_KEY: w.sessionMacKey,
      JWT_ISSUER: w.jwt.issuer,
      JWT_AUDIENCE: w.jwt.audience,
      SIWT_DOMAIN: w.siwt.domain,
      SIWT_URI: w.siwt.uri,
      SIWT_CHAIN_ID: w.siwt.chainId,
    },
    serviceBindings: { BRIDGE: bridgeBinding(w.bridgeAddress, w.caPem, w.clientKeypair) },
  };
}

/** The same bindings with further vars (later ones win). */
export function withVars(b: WorkerBindings, vars: Record<string, string> = {}): WorkerBindings {
  return { ...b, bindings: { ...b.bindings, ...vars } };
}
