import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SOFTWARE_DEVICES } from "@tron-auth/bridge/testing/devices";
import { TEST_MNEMONIC, USDT } from "@tron-auth/bridge/testing/transactions";
import { SIWT } from "@tron-auth/bridge/testing/wallet";
import { freePort } from "@tron-auth/launchers/ports";
import { createCa, issueClientCert } from "@tron-auth/pki";
import { startUpstashRest } from "@tron-auth/upstash-rest";
import type { WorkerTestContext } from "@tron-auth/worker/test-context";
import type { JWK } from "jose";
import { ANY_PORTS, startStack } from "../src/compose.ts";
import { newSecrets, newSessionMacKey, newSigningJwk } from "../src/secrets.ts";
import { StopList } from "../src/stop-list.ts";
import { startBridgeControl } from "./bridge-control.ts";
import { startWalletService } from "./wallet-service.ts";

const CLIENT_COMMON_NAME = "tron-auth-worker";
const JWT = { issuer: "tron-auth-edge", audience: "tron-auth-api" };

export type WorkerTestStack = {
  context: WorkerTestContext;
  /** Requests the counting Upstash front has received, by path. */
  countingStats: Map<string, number>;
  stop(): Promise<void>;
};

/**
 * The local stack with throwaway secrets, plus what only tests need: a second and a third Upstash
 * front on the same Redis (one that counts the worker's round trips alone, one on another database
 * for effects that are global), a software wallet service, a handle to stop and start the bridge,
 * and a client certificate from a foreign CA. The worker tests and the worker benchmark stand on it.
 */
export async function startWorkerTestStack(): Promise<WorkerTestStack> {
  const dir = mkdtempSync(join(tmpdir(), "worker-tests-"));
  const parts = new StopList();
  parts.add({ stop: async () => rmSync(dir, { recursive: true, force: true }) });
  try {
    const fresh = await newSecrets();
    const [a, b] = [fresh.jwtKeys.keys[0] as JWK, await newSigningJwk()];
    const stack = parts.add(
      await startStack({
        // The bridge trusts both keys, so the rotation tests can sign with either.
        secrets: { ...fresh, jwtKeys: { keys: [a, b] }, walletMnemonic: TEST_MNEMONIC },
        dir,
        identity: { siwt: { ...SIWT }, jwt: JWT },
        ports: ANY_PORTS,
        // Tests make one Redis step of a flow fail (or wait) through /_local/faults.
        faults: true,
        bridgeEnv: {
          // The software Ledger (tests only): the real hw-app-trx client over APDUs, steerable.
          NODE_ENV: "test",
          MONGODB_DB: `t_${randomBytes(6).toString("hex")}`,
          AUDIT_OUTBOX_POLL_MS: "200",
          WALLET_ALLOWED_CONTRACTS: USDT,
        },
      }),
    );
    const { wiring } = stack;
    const token = fresh.upstashToken;
    const counting = parts.add(await startUpstashRest({ redisUrl: stack.redisUrl, token }));
    // Redis database 1: a lockdown test there cannot end other test files' sessions.
    const isolated = parts.add(await startUpstashRest({ redisUrl: `${stack.redisUrl}/1`, token }));
    const wallets = parts.add(await startWalletService());
    const control = parts.add(await startBridgeControl(stack.bridge));
    const foreignCa = await createCa({ commonName: "someone else's CA" });
    const foreignClient = await issueClientCert(foreignCa, { commonName: CLIENT_COMMON_NAME });
    const ring = (...keys: JWK[]) => JSON.stringify({ keys });

    const context: WorkerTestContext = {
      upstashUrl: wiring.upstashUrl,
      upstashToken: wiring.upstashToken,
      bridgeUpstashToken: fresh.bridgeUpstashToken,
      countingUpstashUrl: counting.url,
      isolatedUpstashUrl: isolated.url,
      bridgeAddress: wiring.bridgeAddress,
      bridgeControlUrl: control.url,
      downBridgeAddress: `127.0.0.1:${await freePort()}`,
      caPem: wiring.caPem,
      clientKeypair: wiring.clientKeypair,
      foreignClientKeypair: { certificateChain: foreignClient.certPem, privateKey: foreignClient.keyPem },
      clientCommonName: CLIENT_COMMON_NAME,
      walletUrl: wallets.url,
      siwt: wiring.siwt,
      jwt: { ...JWT, ringA: ring(a), ringBA: ring(b, a), ringB: ring(b) },
      sessionMac: { a: wiring.sessionMacKey, b: newSessionMacKey() },
      softwareDevices: [...SOFTWARE_DEVICES],
      superAdminPrivateKey: fresh.superAdmin.privateKey,
    };
    return { context, countingStats: counting.stats, stop: parts.stopAll };
  } catch (error) {
    await parts.stopAll();
    throw error;
  }
}
