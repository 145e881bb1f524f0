import type { z } from "zod";
import { type BridgeEnv, bridgeEnvSchema } from "./schema.ts";

/** Thrown with every problem at once, so an operator fixes the deployment in one pass. */
export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`Invalid bridge configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

function describeIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  // Values are never echoed: some of these variables hold secrets.
  return issues.map((issue) => `${issue.path.join(".") || "(environment)"}: ${issue.message}`);
}

export function loadBridgeConfig(env: Record<string, string | undefined>): BridgeEnv {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = bridgeEnvSchema.safeParse(present);
  const problems = parsed.success ? [] : describeIssues(parsed.error.issues);
  if (present.UPSTASH_REDIS_REST_URL && !present.UPSTASH_REDIS_REST_TOKEN) {
    problems.push("UPSTASH_REDIS_REST_TOKEN: required when UPSTASH_REDIS_REST_URL is set");
  }
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  return parsed.data;
}
