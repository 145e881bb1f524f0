import { randomUUID } from "node:crypto";
import type { TLSSocket } from "node:tls";
import { AppError } from "@tron-auth/shared/problems";
import { createMiddleware } from "hono/factory";
import type { Logger } from "pino";
import { isPinned } from "../tls/pinning.ts";
import type { BridgeEnv } from "./types.ts";

/** Request id and logger, then the optional certificate pin: mTLS already proved the CA. */
export function requestContext(log: Logger, pinned: () => readonly string[]) {
  return createMiddleware<BridgeEnv>(async (c, next) => {
    const requestId = randomUUID();
    c.set("requestId", requestId);
    c.set("log", log.child({ requestId }));
    const socket = c.env?.incoming?.socket as TLSSocket | undefined;
    const pins = pinned();
    if (pins.length > 0 && typeof socket?.getPeerCertificate === "function") {
      const fp = socket.getPeerCertificate().fingerprint256 ?? "";
      if (!isPinned(fp, pins)) {
        c.var.log.warn({ fingerprint256: fp }, "client certificate not pinned");
        throw new AppError(
          "client_certificate_not_allowed",
          "This client certificate is not on the allowlist.",
        );
      }
    }
    await next();
  });
}
