import { normalizeDerivationPath } from "@tron-auth/shared/protocol";
import { policyDenied } from "./policy-denied.ts";

/**
 * The derivation path a request may use: the default when it names none, otherwise one the
 * operator listed. Any other path is another key on the same device, outside every cap.
 */
export function allowedPath(
  requested: string | undefined,
  paths: { default: string; allowed: readonly string[] },
): string {
  const path = normalizeDerivationPath(requested ?? paths.default);
  const ok = [paths.default, ...paths.allowed].some((p) => normalizeDerivationPath(p) === path);
  if (!ok)
    throw policyDenied("path_not_allowed", "This derivation path is not allowed by the signing policy.");
  return path;
}
