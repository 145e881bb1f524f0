import type { z } from "zod";
import { type BridgeConfig, bridgeEnvSchema } from "./schema.ts";

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

export function loadBridgeConfig(env: Record<string, string | undefined>): BridgeConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = bridgeEnvSchema.safeParse(present);
  const problems = parsed.success ? [] : describeIssues(parsed.error.issues);
  if (present.UPSTASH_REDIS_REST_URL && !present.UPSTASH_REDIS_REST_TOKEN) {
    problems.push("UPSTASH_REDIS_REST_TOKEN: required when UPSTASH_REDIS_REST_URL is set");
  }
  problems.push(...walletProblems(present));
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  return parsed.data;
}

function walletProblems(env: Record<string, string | undefined>): string[] {
  if (env.WALLET_DRIVER !== "software") return [];
  const problems: string[] = [];
  if (!env.SOFTWARE_WALLET_MNEMONIC)
    problems.push("SOFTWARE_WALLET_MNEMONIC: required with WALLET_DRIVER=software");
  const production = (env.NODE_ENV ?? "production") === "production";
  const override = ["true", "1", "yes"].includes(env.ALLOW_SOFTWARE_WALLET_IN_PRODUCTION ?? "");
  if (production && !override) {
    problems.push(
      "WALLET_DRIVER: the software wallet is for tests and development; refused with NODE_ENV=production (set ALLOW_SOFTWARE_WALLET_IN_PRODUCTION=true to override, loudly)",
    );
  }
  return problems;
}
