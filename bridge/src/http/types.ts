import type { HttpBindings } from "@hono/node-server";
import type { InternalAssertionClaims } from "@tron-auth/shared/protocol";
import type { Logger } from "pino";

export type BridgeVariables = {
  requestId: string;
  log: Logger;
  /** The raw request body as received, which the internal assertion's hash covers. */
  rawBody: Uint8Array;
  assertion: InternalAssertionClaims;
};

export type BridgeEnv = { Bindings: HttpBindings; Variables: BridgeVariables };
