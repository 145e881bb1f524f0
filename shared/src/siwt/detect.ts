import { parseSiwtMessage } from "./message.ts";

export type SignInLikeReason = "sign_in_message" | "sign_in_fields" | "names_service";

/** Characters a reader does not see; removed before matching so they cannot split a phrase. */
const INVISIBLE = /\p{Cf}|\p{Variation_Selector}|\u034F|\u115F|\u1160|\u3164|\uFFA0/gu;
/** EIP-4361 / CAIP-122 field labels, as lines of a sign-in message carry them. */
const FIELD_LABELS = [
  "uri",
  "version",
  "chain id",
  "nonce",
  "issued at",
  "expiration time",
  "not before",
  "request id",
  "resources",
] as const;
const HEADER_PHRASES = [/wants you to sign in with/, /sign[\s-]?in with your .{0,40}account/];

/** NFKC, invisible characters dropped, lower case, runs of spaces as one: what a reader perceives. */
function perceived(text: string): string {
  return text
    .normalize("NFKC")
    .replace(INVISIBLE, "")
    .toLowerCase()
    .replace(/[^\S\n]+/g, " ");
}

/**
 * Whether `text` is, or could pass for, a sign-in message (SIWT, SIWE, any CAIP-122 kit) or names
 * one of `domains`. The strict grammar catches this service's own challenge; the looser checks
 * catch the rest, because another verifier's parser may be laxer than ours and a signature over
 * such a text is a login credential there. False positives only cost a refused signature.
 */
export function detectSignInLike(text: string, domains: readonly string[] = []): SignInLikeReason | null {
  try {
    parseSiwtMessage(text);
    return "sign_in_message";
  } catch {
    // Not our grammar: the looser checks below decide.
  }
  const seen = perceived(text);
  if (HEADER_PHRASES.some((phrase) => phrase.test(seen))) return "sign_in_message";
  const labels = new Set<string>();
  for (const line of seen.split("\n")) {
    const trimmed = line.trim();
    for (const label of FIELD_LABELS) if (trimmed.startsWith(`${label}:`)) labels.add(label);
  }
  // Two field lines already make a message a lax SIWE parser could accept with a header added.
  if (labels.size >= 2) return "sign_in_fields";
  for (const domain of domains) {
    const needle = perceived(domain).trim();
    if (needle && seen.includes(needle)) return "names_service";
  }
  return null;
}
