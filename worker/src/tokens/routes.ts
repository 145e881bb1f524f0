import * as z from "zod/mini";
import type { Define } from "../http/routes.ts";
import { PUBLIC } from "../http/routes.ts";
import { keyRingFrom } from "./keys.ts";

const jwksResponse = z.object({ keys: z.array(z.record(z.string(), z.unknown())) });

export function registerJwksRoutes(define: Define): void {
  define(
    {
      method: "get",
      path: "/.well-known/jwks.json",
      access: PUBLIC,
      tag: "keys",
      status: 200,
      summary: "Public signing keys",
      response: jwksResponse,
      // The signing-key secret is unreadable: a misconfiguration, answered without a guess.
      problems: ["service_unavailable"],
    },
    // Public keys only (the `d` of each key never leaves keys.ts); cacheable for five minutes.
    async (c) =>
      c.json((await keyRingFrom(c.env.JWT_SIGNING_KEYS)).publicJwks, 200, {
        "Cache-Control": "public, max-age=300",
      }),
  );
}
