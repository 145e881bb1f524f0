/**
 * The response headers the document declares, and on which answers. A table, so a new header (or
 * a new scheme in an existing one, such as a DPoP challenge) is one row; document.ts reads it.
 */

type JsonSchema = Record<string, unknown>;

const seconds: JsonSchema = { type: "string", pattern: "^[0-9]+$" };

export const RESPONSE_HEADERS = {
  "WWW-Authenticate": {
    description: "The challenge of every 401 (RFC 9110): the scheme, realm and, for a bad token, the error.",
    schema: { type: "string", minLength: 1 },
  },
  "Retry-After": { description: "Seconds to wait before trying again.", schema: seconds },
  "RateLimit-Limit": { description: "Requests the caller's window allows.", schema: seconds },
  "RateLimit-Remaining": { description: "Requests left in the caller's window.", schema: seconds },
  "RateLimit-Reset": { description: "Seconds until the window frees a unit.", schema: seconds },
  "DPoP-Nonce": {
    description:
      "The nonce to put in the next DPoP proof (RFC 9449 section 8), sent to requests that carried a proof.",
    schema: { type: "string", pattern: "^[A-Za-z0-9_-]+$" },
  },
  Location: {
    description: "Where to poll the operation still under way.",
    schema: { type: "string", pattern: "^/v1/" },
  },
} as const satisfies Record<string, { description: string; schema: JsonSchema }>;

export type ResponseHeaderName = keyof typeof RESPONSE_HEADERS;

/**
 * Headers on every answer of a given status, of every route. `required: false` where they depend
 * on the path taken: the rate-limit headers are set once the request was counted (not on a 401
 * decided before, nor while Redis is down), and a 503 carries Retry-After only when the outage
 * has a known horizon (Redis, the bridge), not for a misconfiguration.
 */
export const HEADERS_BY_STATUS: readonly {
  header: ResponseHeaderName;
  statuses: "all" | readonly number[];
  required: boolean;
}[] = [
  { header: "WWW-Authenticate", statuses: [401], required: true },
  { header: "Retry-After", statuses: [429], required: true },
  { header: "Retry-After", statuses: [503], required: false },
  { header: "RateLimit-Limit", statuses: "all", required: false },
  { header: "RateLimit-Remaining", statuses: "all", required: false },
  { header: "RateLimit-Reset", statuses: "all", required: false },
  { header: "DPoP-Nonce", statuses: "all", required: false },
];

/** The OpenAPI `headers` object of one answer: the table's rows for its status, then `extra` (required). */
export function headersFor(status: number, extra: readonly ResponseHeaderName[] = []): JsonSchema {
  const headers: Record<string, JsonSchema> = {};
  for (const row of HEADERS_BY_STATUS)
    if (row.statuses === "all" || row.statuses.includes(status))
      headers[row.header] = { ...RESPONSE_HEADERS[row.header], required: row.required };
  for (const name of extra) headers[name] = { ...RESPONSE_HEADERS[name], required: true };
  return headers;
}
