import { jsonBody } from "../http/json-body.ts";
import { type Define, PUBLIC } from "../http/routes.ts";
import { tokenPairSchema } from "../tokens/token-pair.ts";
import { issueChallenge } from "./challenge.ts";
import { signIn } from "./login.ts";
import { challengeRequest, challengeResponse, loginRequest } from "./schemas.ts";

const TAG = "auth";

/** Sign-In with TRON: a challenge to sign, then the signed challenge for a token pair. */
export function registerSignInRoutes(define: Define): void {
  define(
    {
      method: "post",
      path: "/v1/auth/challenge",
      access: PUBLIC,
      tag: TAG,
      status: 200,
      summary: "Get a Sign-In-with-TRON message to sign",
      body: challengeRequest,
      response: challengeResponse,
      problems: ["service_unavailable"],
    },
    async (c) => c.json(await issueChallenge(c, await jsonBody(c, challengeRequest))),
  );

  define(
    {
      method: "post",
      path: "/v1/auth/login",
      access: PUBLIC,
      tag: TAG,
      status: 200,
      summary: "Sign in with a signed challenge",
      body: loginRequest,
      response: tokenPairSchema,
      problems: [
        "login_failed",
        "account_locked",
        "account_disabled",
        "login_blocked",
        "bridge_unavailable",
        "service_unavailable",
        "invalid_dpop_proof",
        "use_dpop_nonce",
        "dpop_required",
      ],
    },
    async (c) => c.json(await signIn(c, await jsonBody(c, loginRequest))),
  );
}
