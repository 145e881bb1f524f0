/**
 * The canonical encoding the audit chain MACs: one byte string per stored document, whatever the
 * order its fields come back in (MongoDB keeps insertion order, FerretDB need not, and an editor
 * may reorder them). Defined here, precisely, because a verifier written later must reproduce it:
 *
 * - an object is `{` + its members sorted by key (UTF-16 code units, as JavaScript sorts strings)
 *   as `"key":value`, joined by `,` + `}`; members whose value is `undefined` are absent;
 * - an array is `[` + its elements joined by `,` + `]` (order matters);
 * - a string, `true`, `false`, `null` and a finite number are their JSON text (JSON.stringify);
 * - a Date is `{"$date":"<ISO 8601 in UTC with milliseconds>"}`, so it never equals a string of
 *   the same text (a stored date retyped as a string is a change);
 * - anything else the driver can return (a BSON Long, Decimal128, ObjectId, binary, a non-finite
 *   number) is `{"$bson":"<type>"}`: never what the bridge writes, so such a value fails the MAC.
 *
 * No whitespace anywhere. The result is hashed as UTF-8.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === "string" || typeof value === "boolean") return JSON.stringify(value);
  if (typeof value === "number") return Number.isFinite(value) ? JSON.stringify(value) : '{"$bson":"number"}';
  if (value instanceof Date) return `{"$date":${JSON.stringify(isoOrInvalid(value))}}`;
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const members = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`);
    return `{${members.join(",")}}`;
  }
  return `{"$bson":${JSON.stringify(bsonTypeOf(value))}}`;
}

function isoOrInvalid(date: Date): string {
  return Number.isNaN(date.getTime()) ? "invalid" : date.toISOString();
}

function bsonTypeOf(value: unknown): string {
  if (typeof value === "object" && value !== null && "_bsontype" in value) return String(value._bsontype);
  return typeof value;
}
