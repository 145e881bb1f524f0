// What the global setup (Node side) hands to the Miniflare options and to tests (workerd side).
export type WorkerTestContext = {
  upstashUrl: string;
  upstashToken: string;
  bridgeAddress: string;
  caPem: string;
  clientKeypair: { certificateChain: string; privateKey: string };
  foreignClientKeypair: { certificateChain: string; privateKey: string };
  clientCommonName: string;
};

declare module "vitest" {
  export interface ProvidedContext {
    workerTestContext: WorkerTestContext;
  }
}
