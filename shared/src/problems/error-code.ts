import { isProblemCode, type ProblemCode } from "./catalog.ts";

/**
 * The string `code` of a thrown value (jose's ERR_JWT_EXPIRED, SIWT's siwt_* codes), read by
 * property, not instanceof: a second copy of a library in the tree would defeat instanceof.
 */
export function errorCode(error: unknown): string | undefined {
  return typeof error === "object" && error !== null && "code" in error && typeof error.code === "string"
    ? error.code
    : undefined;
}

/** A thrown value's code when it is one of the catalog's (SIWT's siwt_* codes are). */
export function problemCodeOf(error: unknown): ProblemCode | undefined {
  const code = errorCode(error);
  return code !== undefined && isProblemCode(code) ? code : undefined;
}
