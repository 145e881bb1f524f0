import type { z } from "zod";
import { type BridgeConfig, bridgeEnvSchema } from "./schema.ts";
import { isSoftwareDevice, walletDeviceConflict, walletDeviceOf } from "./wallet-device.ts";

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
  if (parsed.success) problems.push(...overlapProblems(parsed.data), ...timeoutProblems(parsed.data));
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  return parsed.data;
}

const isTrue = (v: string | undefined) => ["true", "1", "yes"].includes(v ?? "");
const isProduction = (env: Record<string, string | undefined>) =>
  (env.NODE_ENV ?? "production") === "production";

function walletProblems(env: Record<string, string | undefined>): string[] {
  return [...freezeProblems(env), ...softwareWalletProblems(env)];
}

/**
 * The lockdown freeze is read from Redis where the device signs; without Redis a freeze engaged
 * while a request waits for the device would not stop it, so production requires it.
 */
function freezeProblems(env: Record<string, string | undefined>): string[] {
  const enabled = walletDeviceOf(env) !== "none";
  if (!enabled || !isProduction(env) || env.UPSTASH_REDIS_REST_URL) return [];
  return [
    "UPSTASH_REDIS_REST_URL: required in production with a wallet (the lockdown freeze is read from it)",
  ];
}

function softwareWalletProblems(env: Record<string, string | undefined>): string[] {
  const conflict = walletDeviceConflict(env);
  if (conflict) return [`WALLET_DEVICE: ${conflict}`];
  const device = walletDeviceOf(env);
  if (!isSoftwareDevice(device)) return [];
  const problems: string[] = [];
  if (!env.SOFTWARE_WALLET_MNEMONIC)
    problems.push(`SOFTWARE_WALLET_MNEMONIC: required with WALLET_DEVICE=${device}`);
  if (isProduction(env) && !isTrue(env.ALLOW_SOFTWARE_WALLET_IN_PRODUCTION)) {
    problems.push(
      `WALLET_DEVICE: ${device} is a software wallet for tests and development; refused with NODE_ENV=production (set ALLOW_SOFTWARE_WALLET_IN_PRODUCTION=true to override, loudly)`,
    );
  }
  return problems;
}

/** A contract both decoded as a token and signed blindly would be ambiguous: refuse the setup. */
function overlapProblems(config: BridgeConfig): string[] {
  const tokens = new Set(config.WALLET_TOKENS.map((t) => t.address));
  return config.WALLET_ALLOWED_CONTRACTS.filter((a) => tokens.has(a)).map(
    (a) => `WALLET_ALLOWED_CONTRACTS: ${a} is also in WALLET_TOKENS; list a token only there`,
  );
}

/** Node refuses a headers timeout longer than the request timeout; say so at start, by name. */
function timeoutProblems(config: BridgeConfig): string[] {
  if (config.BRIDGE_HEADERS_TIMEOUT_MS <= config.BRIDGE_REQUEST_TIMEOUT_MS) return [];
  return ["BRIDGE_HEADERS_TIMEOUT_MS: must not exceed BRIDGE_REQUEST_TIMEOUT_MS"];
}
