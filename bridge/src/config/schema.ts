import { normalizeDerivationPath, TRON_PATH_PATTERN } from "@tron-auth/shared/protocol";
import { z } from "zod";
import { DECODABLE_TYPES, type DecodableType } from "../tron/contract-types.ts";
import { jsonText, tronAddress } from "./fields.ts";
import { WALLET_DEVICES } from "./wallet-device.ts";
import { walletTokensJson } from "./wallet-tokens.ts";

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

const positiveInt = (fallback: number, max: number) =>
  z.coerce.number().int().min(1).max(max).default(fallback);

const fingerprint = z
  .string()
  .transform((s) => s.trim().toUpperCase())
  .pipe(z.string().regex(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/, "expected a SHA-256 fingerprint AA:BB:..."));

/** Public Ed25519 keys only: a JWK set carrying a private part ("d") is a leaked key, refused. */
const publicEd25519Jwk = z
  .object({
    kty: z.literal("OKP"),
    crv: z.literal("Ed25519"),
    x: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
    kid: z.string().min(1).max(128),
    alg: z.literal("EdDSA").optional(),
    use: z.literal("sig").optional(),
    d: z.never({ error: "contains a private key; give the bridge the public keys only" }).optional(),
  })
  .transform(({ kty, crv, x, kid }) => ({ kty, crv, x, kid, alg: "EdDSA", use: "sig" }));

const jwksJson = jsonText.pipe(
  z.object({ keys: z.array(publicEd25519Jwk).min(1, "needs at least one key").max(8) }),
);

const bip44Path = z
  .string()
  .regex(TRON_PATH_PATTERN, "a TRON BIP-44 path like 44'/195'/0'/0/0")
  .transform(normalizeDerivationPath);

const commaList = z.string().transform((s) =>
  s
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean),
);

/**
 * The bridge's environment. Names follow the service this replaces where it had one
 * (LOG_LEVEL, MONGODB_URI, ENABLE_HARDWARE_WALLET, port 8089), so existing deployments keep their
 * settings; every value is checked at start so a bad deployment stops at once, not at 3 a.m.
 */
export const bridgeEnvSchema = z.object({
  NODE_ENV: z.enum(["production", "development", "test"]).default("production"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  BRIDGE_HOST: z.string().min(1).default("0.0.0.0"),
  BRIDGE_PORT: z.coerce.number().int().min(0).max(65535).default(8089),
  BRIDGE_TLS_CERT: z.string().min(1, "path to the bridge's server certificate (PEM)"),
  BRIDGE_TLS_KEY: z.string().min(1, "path to the bridge's server private key (PEM)"),
  BRIDGE_TLS_CLIENT_CA: z.string().min(1, "path to the CA that issues the worker's client certificate"),
  BRIDGE_TLS_PINNED_CLIENT_FINGERPRINTS: commaList.pipe(z.array(fingerprint)).default([]),
  /**
   * The DNS-only hostname the worker reaches the bridge on (the host of its BRIDGE_ORIGIN). Only
   * checked against the served certificate at start, since a Worker refuses a certificate that
   * does not name it; unset, the start-up check says it could not tell.
   */
  BRIDGE_PUBLIC_HOSTNAME: z
    .string()
    .regex(
      /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/,
      "a DNS name such as bridge.example.com",
    )
    .optional(),
  MONGODB_URI: z.string().regex(/^mongodb(\+srv)?:\/\//, "expected a mongodb:// or mongodb+srv:// URI"),
  MONGODB_DB: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,63}$/)
    .default("tron_auth"),
  WORKER_JWKS: jwksJson,
  INTERNAL_ISSUER: z.string().min(1).default("tron-auth-edge"),
  INTERNAL_AUDIENCE: z.string().min(1).default("tron-auth-bridge"),
  SIWT_DOMAIN: z.string().min(1),
  SIWT_URI: z.url(),
  SIWT_CHAIN_ID: z.string().regex(/^tron:[0-9]{1,20}$/),
  /**
   * Addresses that become SUPER_ADMIN on their first login (comma-separated). SUPER_ADMIN is never
   * granted through the API; two of them let one replace the other without a gap.
   */
  BOOTSTRAP_SUPER_ADMIN_ADDRESS: commaList.pipe(z.array(tronAddress).max(5)).default([]),
  AUDIT_RETENTION_DAYS: positiveInt(90, 3650),
  /**
   * A file holding the audit chain's HMAC key (base64, at least 32 bytes: `openssl rand -base64
   * 32`). Kept beside the TLS key, never in MongoDB: it is what makes an edited event show.
   */
  AUDIT_CHAIN_KEY_FILE: z.string().min(1, "path to the audit chain's HMAC key file"),
  AUDIT_PURGE_INTERVAL_MINUTES: positiveInt(60, 24 * 60),
  /** The worker's Upstash: the bridge drains the audit outbox stream from it. Unset: no drain. */
  UPSTASH_REDIS_REST_URL: z.url().optional(),
  UPSTASH_REDIS_REST_TOKEN: z.string().min(1).optional(),
  AUDIT_OUTBOX_CONSUMER: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/)
    .default("bridge-1"),
  AUDIT_OUTBOX_POLL_MS: z.coerce.number().int().min(100).max(60_000).default(1_000),
  /** Undrained events beyond this make readiness "degraded". */
  AUDIT_OUTBOX_MAX_LAG: positiveInt(1_000, 10_000_000),
  ENABLE_HARDWARE_WALLET: bool.default(false),
  /**
   * The signing device: ledger or trezor on USB; auto (whichever is plugged in, Ledger first);
   * software-ledger or software-trezor, mnemonic-backed devices speaking the real protocols for
   * tests and development, refused in production unless ALLOW_SOFTWARE_WALLET_IN_PRODUCTION is
   * set; none. Default: WALLET_DRIVER's device, else ledger when ENABLE_HARDWARE_WALLET, else none.
   */
  WALLET_DEVICE: z.enum([...WALLET_DEVICES, "none"]).optional(),
  /** The older form of WALLET_DEVICE: ledger, software (= software-ledger) or none. */
  WALLET_DRIVER: z.enum(["ledger", "software", "none"]).optional(),
  SOFTWARE_WALLET_MNEMONIC: z.string().min(1).optional(),
  ALLOW_SOFTWARE_WALLET_IN_PRODUCTION: bool.default(false),
  WALLET_DEFAULT_PATH: bip44Path.default("44'/195'/0'/0/0"),
  /**
   * Derivation paths a request may name besides WALLET_DEFAULT_PATH (comma-separated). Each path
   * is another key on the device; default none, so requests can only use the default key.
   */
  WALLET_ALLOWED_PATHS: commaList.pipe(z.array(bip44Path)).default([]),
  WALLET_CONFIRM_TIMEOUT_SECONDS: positiveInt(60, 600),
  /** Contract types the device may sign; only those the policy can decode exist. */
  WALLET_ALLOWED_CONTRACT_TYPES: commaList
    .pipe(z.array(z.enum(Object.keys(DECODABLE_TYPES) as [DecodableType, ...DecodableType[]])))
    .default(["TransferContract", "TriggerSmartContract"]),
  /**
   * Contracts whose calls are signed without decoding them (comma-separated base58): only the TRX
   * they carry is capped, and calls with a TRC-20 selector are refused (list tokens in
   * WALLET_TOKENS instead). A contract may not be in both.
   */
  WALLET_ALLOWED_CONTRACTS: commaList.pipe(z.array(tronAddress)).default([]),
  /** Allowlisted TRC-20 tokens (JSON array, see wallet-tokens.ts): decoded calls, capped per token. */
  WALLET_TOKENS: walletTokensJson.default([]),
  WALLET_MAX_PER_TRANSACTION_SUN: z.coerce
    .number()
    .int()
    .min(0)
    .max(Number.MAX_SAFE_INTEGER)
    .default(1_000_000_000),
  WALLET_MAX_PER_DAY_SUN: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(10_000_000_000),
  SHUTDOWN_TIMEOUT_SECONDS: positiveInt(10, 300),
  /** Plain-HTTP health listener on loopback only, for the container HEALTHCHECK (no client cert there). */
  BRIDGE_HEALTH_HOST: z.string().min(1).default("127.0.0.1"),
  BRIDGE_HEALTH_PORT: z.coerce.number().int().min(0).max(65535).default(8090),
  BODY_LIMIT_BYTES: positiveInt(64 * 1024, 1024 * 1024),
  // The listener under hostile load (server/listener-limits.ts says why each one is needed).
  /** A TLS handshake not finished in this time is cut (half-open and stalled handshakes). */
  BRIDGE_HANDSHAKE_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5_000),
  /** All request headers must arrive within this time of the request's start (slowloris). */
  BRIDGE_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** The whole request (headers and body) must arrive within this time; at least the headers timeout. */
  BRIDGE_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  /** An idle keep-alive connection is closed after this long. */
  BRIDGE_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5_000),
  /** Request line and headers together; beyond it 431 (the assertion header is about 1 KiB). */
  BRIDGE_MAX_HEADER_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(64 * 1024)
    .default(16 * 1024),
  /** Open connections (handshaking, idle or busy); new ones beyond it are closed at once. */
  BRIDGE_MAX_CONNECTIONS: positiveInt(256, 65_535),
  /** Open connections from one IP address; new ones beyond it are closed at once. */
  BRIDGE_MAX_CONNECTIONS_PER_PEER: positiveInt(64, 65_535),
  /** Login verifications running at once (each a signature check and a database round trip). */
  LOGIN_VERIFY_CONCURRENCY: positiveInt(8, 1_000),
  /** Login verifications waiting for a slot; beyond it 503 service_unavailable with Retry-After. */
  LOGIN_VERIFY_QUEUE: z.coerce.number().int().min(0).max(10_000).default(64),
  /**
   * Signing operations one user may have running or waiting for the device; beyond it 429
   * rate_limited. The device serves users in turn, so this bounds how long anyone else waits.
   */
  WALLET_QUEUE_PER_USER: positiveInt(4, 100),
});

/** The validated configuration the daemon runs with (read from its environment once, at start). */
export type BridgeConfig = z.infer<typeof bridgeEnvSchema>;
