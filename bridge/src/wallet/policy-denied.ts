import { AppError } from "@tron-auth/shared/problems";

/** A refusal by the signing policy, with a stable `reason` callers and the audit log can match. */
export function policyDenied(reason: string, detail: string): AppError {
  return new AppError("signing_policy_denied", detail, { reason });
}
