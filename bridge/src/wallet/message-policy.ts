import { buildMessageEnvelope } from "@tron-auth/shared/protocol";
import { detectSignInLike } from "@tron-auth/shared/siwt";
import { policyDenied } from "./policy-denied.ts";

export type MessagePolicy = {
  /** This service's domain, written into every envelope. */
  service: string;
  /** Names a caller's text may not contain (the sign-in domain, the login URI's host). */
  domains: readonly string[];
};

/** Controls (newline and tab aside) and format characters: bidi overrides, zero-width marks. */
const HIDDEN = /(?![\n\t])[\p{Cc}\p{Cf}]/u;

/**
 * The text the device signs for a caller's message, or a policy refusal. The device shows only a
 * hash of a message, so this check is the only reader: a text that is or resembles a sign-in
 * message (this service's or any SIWE-style one) or names this service is refused, and what is
 * signed is always the domain-separated envelope, never the bare text.
 */
export function messageToSign(
  text: string,
  policy: MessagePolicy,
  by: { user: string; request: string },
): string {
  if (HIDDEN.test(text))
    throw policyDenied("hidden_characters", "The message contains control or invisible characters.");
  const reason = detectSignInLike(text, policy.domains);
  if (reason === "names_service") throw policyDenied(reason, "A message may not name this service's domain.");
  if (reason) throw policyDenied(reason, "Sign-in messages are never signed by the service wallet.");
  return buildMessageEnvelope({ service: policy.service, user: by.user, request: by.request, text });
}
