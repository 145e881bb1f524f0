const SECRET_KEY =
  /(token|secret|password|passphrase|signature|assertion|authorization|cookie|mnemonic|seed|private|apikey|api_key)/i;
const MAX_DEPTH = 6;
const MAX_STRING = 1_024;
const MAX_KEYS = 64;

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/**
 * Audit details are kept 90 days and read by people: secrets are replaced by a marker whatever
 * their nesting, long strings are cut and deep or wide structures are bounded, so a caller cannot
 * turn the audit log into storage or a leak.
 */
export function maskDetails(value: unknown, depth = 0): Json {
  if (value === null || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "string") return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value;
  if (depth >= MAX_DEPTH || typeof value !== "object") return "[truncated]";
  if (Array.isArray(value)) return value.slice(0, MAX_KEYS).map((v) => maskDetails(v, depth + 1));
  const out: { [key: string]: Json } = {};
  for (const [key, v] of Object.entries(value).slice(0, MAX_KEYS)) {
    // Keys starting with "$" or containing "." are MongoDB operators or paths, never stored as-is.
    const safeKey = key.replace(/^\$/, "_").replaceAll(".", "_");
    out[safeKey] = SECRET_KEY.test(key) ? "[masked]" : maskDetails(v, depth + 1);
  }
  return out;
}
