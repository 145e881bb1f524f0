/**
 * What the wallet signs for `sign-message`: a fixed header, then who asked, then the caller's
 * text. No sign-in grammar (SIWT, SIWE, CAIP-122) starts with this line, so a signature over an
 * envelope can never be replayed as a login, here or at another service.
 */
export const SIGNED_MESSAGE_HEADER = "tron-auth signed message v1";

export type MessageEnvelope = {
  /** This service's domain: the signature is bound to it. */
  service: string;
  /** The requesting user's id. */
  user: string;
  /** The request (or operation) the signature was made for. */
  request: string;
  /** The caller's text, unchanged. */
  text: string;
};

/** Header values are single tokens: a newline there could forge the caller's text. */
const TOKEN = /^[A-Za-z0-9._:-]{1,253}$/;

/** The exact text the device signs; verifiers rebuild it (or take it from the API) and check. */
export function buildMessageEnvelope(e: MessageEnvelope): string {
  for (const [name, value] of [
    ["service", e.service],
    ["user", e.user],
    ["request", e.request],
  ] as const) {
    if (!TOKEN.test(value)) throw new RangeError(`envelope ${name} is not a single token`);
  }
  return [
    SIGNED_MESSAGE_HEADER,
    `Service: ${e.service}`,
    `User: ${e.user}`,
    `Request: ${e.request}`,
    "",
    e.text,
  ].join("\n");
}
