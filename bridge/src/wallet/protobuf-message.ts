import { policyDenied } from "./policy-denied.ts";
import { readFields, WIRE, WireError } from "./protobuf-wire.ts";

type Kind = "varint" | "bytes";
type FieldSpec = { number: number; kind: Kind; repeated?: true };
export type MessageSpec = Record<string, FieldSpec>;

type ValueOf<F extends FieldSpec> = F["kind"] extends "varint" ? bigint : Buffer;
export type Decoded<S extends MessageSpec> = {
  [K in keyof S]: S[K]["repeated"] extends true ? ValueOf<S[K]>[] : ValueOf<S[K]> | undefined;
};

/**
 * Reads `buf` as the message `name` whose every allowed field is in `spec`. A field number not
 * listed, a wrong wire type or a second value for a singular field is refused: the policy only
 * vouches for what it read, and protobuf readers disagree on duplicates (last wins vs. merge).
 */
export function readMessage<S extends MessageSpec>(name: string, buf: Buffer, spec: S): Decoded<S> {
  let fields: ReturnType<typeof readFields>;
  try {
    fields = readFields(buf);
  } catch (error) {
    if (error instanceof WireError)
      throw policyDenied("malformed_transaction", `${name} is not well-formed protobuf (${error.message}).`);
    throw error;
  }
  const byNumber = new Map(Object.entries(spec).map(([key, f]) => [f.number, { key, ...f }]));
  const out: Record<string, bigint | Buffer | (bigint | Buffer)[] | undefined> = {};
  for (const [key, f] of Object.entries(spec)) out[key] = f.repeated ? [] : undefined;
  for (const field of fields) {
    const f = byNumber.get(field.number);
    if (!f) throw policyDenied("unknown_field", `${name} field ${field.number} is not allowed.`);
    const wire = f.kind === "varint" ? WIRE.varint : WIRE.len;
    if (field.wireType !== wire)
      throw policyDenied("malformed_transaction", `${name} field ${field.number} has the wrong wire type.`);
    const slot = out[f.key];
    if (Array.isArray(slot)) slot.push(field.value);
    else if (slot !== undefined)
      throw policyDenied("duplicate_field", `${name} field ${field.number} appears twice.`);
    else out[f.key] = field.value;
  }
  return out as Decoded<S>;
}
