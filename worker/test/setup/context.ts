// What the stack's global setup (stack/worker-tests) hands to Miniflare and to the tests in workerd.
export type WorkerTestContext = {
  upstashUrl: string;
  upstashToken: string;
  /** The bridge's restricted token on the same front: outbox drain and lockdown reads only. */
  bridgeUpstashToken: string;
  /** A second Upstash REST front on the same Redis, used only by the round-trip counting test. */
  countingUpstashUrl: string;
  /** An Upstash front on another Redis database, for tests whose effects are global (lockdown). */
  isolatedUpstashUrl: string;
  bridgeAddress: string;
  /** POST /stop and /start take the bridge down and bring it back (same port, same database). */
  bridgeControlUrl: string;
  /** A loopback port where nothing listens: the bridge is down. */
  downBridgeAddress: string;
  caPem: string;
  clientKeypair: { certificateChain: string; privateKey: string };
  foreignClientKeypair: { certificateChain: string; privateKey: string };
  clientCommonName: string;
  walletUrl: string;
  siwt: { domain: string; uri: string; chainId: string };
  jwt: {
    issuer: string;
    audience: string;
    /** JWK sets (JSON) of private keys: A alone, B then A (rotation overlap), B alone (A removed). */
    ringA: string;
    ringBA: string;
    ringB: string;
  };
  /** SESSION_MAC_KEY material: the worker runs with `a`; `b` is for the rotation test. */
  sessionMac: { a: string; b: string };
  /** A bootstrap SUPER_ADMIN of the bridge, as a software wallet's private key. */
  /**
   * The software devices the stack's bridge can switch to (POST /use/{device} on the bridge
   * control), with what differs between them: the wallet tests run once per device.
   */
  softwareDevices: {
    device: string;
    appVersion: string;
    signsMessages: boolean;
    unpluggedMidSignature: readonly string[];
  }[];
  superAdminPrivateKey: string;
};

declare module "vitest" {
  export interface ProvidedContext {
    workerTestContext: WorkerTestContext;
  }
}
