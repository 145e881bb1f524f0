import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { recoverSigner, transferHex } from "@tron-auth/bridge/testing/transactions";
import { newWallet } from "@tron-auth/bridge/testing/wallet";
import { TronWeb } from "tronweb";

/**
 * A software TRON wallet for tests inside workerd, which cannot load tronweb: it makes keys and
 * signs with tronweb's `trx.signMessageV2` (TIP-191), as a browser wallet would for the user;
 * it also builds transactions and verifies signatures with tronweb for the signing tests.
 * Node-side only, loopback only, test keys only.
 */
export async function startWalletService(): Promise<{ url: string; stop(): Promise<void> }> {
  // signMessageV2 never calls the node; the host is required by the constructor only.
  const tronWeb = new TronWeb({ fullHost: "http://127.0.0.1:9" });
  const server = createServer(async (req, res) => {
    let raw = "";
    for await (const chunk of req) raw += chunk;
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    };
    try {
      if (req.url === "/wallets") return reply(200, newWallet());
      if (req.url === "/wallets/from-key") {
        const { privateKey } = JSON.parse(raw) as { privateKey: string };
        return reply(200, { privateKey, address: TronWeb.address.fromPrivateKey(privateKey) });
      }
      if (req.url === "/build/transfer") {
        const { amountSun, memoBytes } = JSON.parse(raw) as { amountSun: number; memoBytes?: number };
        return reply(200, { rawDataHex: transferHex({ amountSun, ...(memoBytes ? { memoBytes } : {}) }) });
      }
      if (req.url === "/verify/transaction") {
        const { txID, signature } = JSON.parse(raw) as { txID: string; signature: string };
        return reply(200, { address: recoverSigner(txID, signature) });
      }
      if (req.url === "/verify/message") {
        const { message, signature } = JSON.parse(raw) as { message: string; signature: string };
        return reply(200, { address: await tronWeb.trx.verifyMessageV2(message, signature) });
      }
      if (req.url === "/sign") {
        const { message, privateKey } = JSON.parse(raw) as { message: string; privateKey: string };
        return reply(200, { signature: tronWeb.trx.signMessageV2(message, privateKey) });
      }
      reply(404, { error: "no such route" });
    } catch (error) {
      reply(400, { error: error instanceof Error ? error.message : String(error) });
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}
