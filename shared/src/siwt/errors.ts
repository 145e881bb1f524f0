export type SiwtParseCode = "siwt_malformed";
export type SiwtValidationCode =
  | "siwt_malformed"
  | "siwt_domain_mismatch"
  | "siwt_uri_mismatch"
  | "siwt_chain_mismatch"
  | "siwt_expired"
  | "siwt_not_yet_valid"
  | "siwt_lifetime_too_long";

/** Never carries the input itself: messages can be 4 KiB of attacker text. */
export class SiwtParseError extends Error {
  readonly code: SiwtParseCode = "siwt_malformed";
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = "SiwtParseError";
    this.field = field;
  }
}

export class SiwtValidationError extends Error {
  readonly code: SiwtValidationCode;
  constructor(code: SiwtValidationCode, message: string) {
    super(message);
    this.name = "SiwtValidationError";
    this.code = code;
  }
}
