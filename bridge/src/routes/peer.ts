import type { TLSSocket } from "node:tls";
import { Hono } from "hono";
import type { BridgeEnv } from "../http/types.ts";

/** Which client certificate this connection presented: operators check rotations with it. */
export const peerRoutes = new Hono<BridgeEnv>().get("/peer", (c) => {
  const socket = c.env.incoming.socket as TLSSocket;
  const cert = socket.getPeerCertificate();
  return c.json({
    subject: { CN: cert.subject?.CN ?? null },
    fingerprint256: cert.fingerprint256,
    validTo: cert.valid_to,
  });
});
