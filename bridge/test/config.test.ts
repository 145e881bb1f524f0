import { describe, expect, it } from "vitest";
import { ConfigError, loadBridgeConfig } from "../src/config/load.ts";

const PUBLIC_X = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";

const valid = {
  BRIDGE_TLS_CERT: "/certs/server.pem",
  BRIDGE_TLS_KEY: "/certs/server.key",
  BRIDGE_TLS_CLIENT_CA: "/certs/ca.pem",
  AUDIT_CHAIN_KEY_FILE: "/certs/audit-chain.key",
  MONGODB_URI: "mongodb://mongo:27017",
  // RFC 8037's example Ed25519 public key.
  WORKER_JWKS: JSON.stringify({ keys: [{ kty: "OKP", crv: "Ed25519", x: PUBLIC_X, kid: "k1" }] }),
  SIWT_DOMAIN: "auth.example.com",
  SIWT_URI: "https://auth.example.com/login",
  SIWT_CHAIN_ID: "tron:728126428",
};

describe("bridge configuration", () => {
  it("applies the defaults operators rely on", () => {
    const config = loadBridgeConfig(valid);
    expect(config).toMatchObject({
      BRIDGE_PORT: 8089,
      LOG_LEVEL: "info",
      AUDIT_RETENTION_DAYS: 90,
      ENABLE_HARDWARE_WALLET: false,
    });
    expect(config.BRIDGE_TLS_PINNED_CLIENT_FINGERPRINTS).toEqual([]);
  });

  it("lists every problem at once and never echoes values", () => {
    const error = (() => {
      try {
        loadBridgeConfig({
          ...valid,
          MONGODB_URI: "postgres://secret-password@x",
          BRIDGE_PORT: "99999",
          BRIDGE_TLS_KEY: undefined,
        });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join("\n");
    expect(problems).toMatch(/MONGODB_URI/);
    expect(problems).toMatch(/BRIDGE_PORT/);
    expect(problems).toMatch(/BRIDGE_TLS_KEY/);
    expect(problems).not.toContain("secret-password");
  });

  it("refuses a bootstrap address that is not a TRON address, and bad fingerprints", () => {
    expect(() => loadBridgeConfig({ ...valid, BOOTSTRAP_SUPER_ADMIN_ADDRESS: "T123" })).toThrow(
      /BOOTSTRAP_SUPER_ADMIN_ADDRESS/,
    );
    expect(() => loadBridgeConfig({ ...valid, BRIDGE_TLS_PINNED_CLIENT_FINGERPRINTS: "AA:BB" })).toThrow(
      /FINGERPRINTS/,
    );
  });

  it("takes a list of bootstrap SUPER_ADMIN addresses", () => {
    const a = "TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7";
    const b = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t";
    expect(
      loadBridgeConfig({ ...valid, BOOTSTRAP_SUPER_ADMIN_ADDRESS: `${a}, ${b}` })
        .BOOTSTRAP_SUPER_ADMIN_ADDRESS,
    ).toEqual([a, b]);
  });

  it("refuses a worker key set that is not JSON, is empty, or carries a private key", () => {
    const jwks = (keys: unknown) => ({ ...valid, WORKER_JWKS: JSON.stringify({ keys }) });
    expect(() => loadBridgeConfig({ ...valid, WORKER_JWKS: "{keys:" })).toThrow(
      /WORKER_JWKS: not valid JSON/,
    );
    expect(() => loadBridgeConfig(jwks([]))).toThrow(/at least one key/);
    const leaked = {
      kty: "OKP",
      crv: "Ed25519",
      x: PUBLIC_X,
      kid: "k1",
      d: "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",
    };
    const error = (() => {
      try {
        loadBridgeConfig(jwks([leaked]));
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).toMatch(/private key/);
    expect(error?.message).not.toContain("nWGxne");
    const rsa = { kty: "RSA", n: "x", e: "AQAB", kid: "r" };
    expect(() => loadBridgeConfig(jwks([rsa]))).toThrow(/WORKER_JWKS/);
  });

  it("refuses the software wallet in production unless the override is set, and needs its mnemonic", () => {
    const software = {
      ...valid,
      WALLET_DRIVER: "software",
      SOFTWARE_WALLET_MNEMONIC: "abandon about",
      UPSTASH_REDIS_REST_URL: "https://db.upstash.io",
      UPSTASH_REDIS_REST_TOKEN: "t",
    };
    expect(() => loadBridgeConfig(software)).toThrow(/refused with NODE_ENV=production/);
    expect(loadBridgeConfig({ ...software, ALLOW_SOFTWARE_WALLET_IN_PRODUCTION: "true" }).WALLET_DRIVER).toBe(
      "software",
    );
    expect(loadBridgeConfig({ ...software, NODE_ENV: "development" }).WALLET_DRIVER).toBe("software");
    expect(() => loadBridgeConfig({ ...valid, NODE_ENV: "test", WALLET_DRIVER: "software" })).toThrow(
      /SOFTWARE_WALLET_MNEMONIC/,
    );
    expect(() => loadBridgeConfig({ ...valid, WALLET_DEFAULT_PATH: "44'/60'/0'/0/0" })).toThrow(
      /WALLET_DEFAULT_PATH/,
    );
  });

  it("reads WALLET_DEVICE: software Trezor refused in production like the software Ledger; WALLET_DRIVER as its older form", () => {
    const prod = {
      ...valid,
      SOFTWARE_WALLET_MNEMONIC: "abandon about",
      UPSTASH_REDIS_REST_URL: "https://db.upstash.io",
      UPSTASH_REDIS_REST_TOKEN: "t",
    };
    expect(() => loadBridgeConfig({ ...prod, WALLET_DEVICE: "software-trezor" })).toThrow(
      /software-trezor is a software wallet.*refused with NODE_ENV=production/,
    );
    expect(() => loadBridgeConfig({ ...prod, WALLET_DEVICE: "software-ledger" })).toThrow(/refused/);
    expect(loadBridgeConfig({ ...prod, WALLET_DEVICE: "trezor" }).WALLET_DEVICE).toBe("trezor");
    expect(loadBridgeConfig({ ...prod, WALLET_DEVICE: "auto" }).WALLET_DEVICE).toBe("auto");
    expect(() => loadBridgeConfig({ ...prod, WALLET_DEVICE: "keepkey" })).toThrow(/WALLET_DEVICE/);
    // Both set to different devices: which one was meant is unknown, so neither is guessed.
    expect(() =>
      loadBridgeConfig({
        ...prod,
        NODE_ENV: "development",
        WALLET_DEVICE: "trezor",
        WALLET_DRIVER: "ledger",
      }),
    ).toThrow(/WALLET_DRIVER=ledger disagrees with WALLET_DEVICE=trezor/);
    // A production wallet of any kind needs the Redis the freeze is read from.
    const { UPSTASH_REDIS_REST_URL: _, ...noRedis } = prod;
    expect(() => loadBridgeConfig({ ...noRedis, WALLET_DEVICE: "trezor" })).toThrow(/UPSTASH_REDIS_REST_URL/);
  });

  it("allows only the default derivation path unless more are listed, and checks each listed one", () => {
    expect(loadBridgeConfig(valid).WALLET_ALLOWED_PATHS).toEqual([]);
    expect(
      loadBridgeConfig({ ...valid, WALLET_ALLOWED_PATHS: "m/44'/195'/1'/0/0, 44'/195'/2'/0/0" }),
    ).toMatchObject({
      WALLET_ALLOWED_PATHS: ["44'/195'/1'/0/0", "44'/195'/2'/0/0"],
    });
    expect(() =>
      loadBridgeConfig({ ...valid, WALLET_ALLOWED_PATHS: "44'/195'/1'/0/0,44'/60'/0'/0/0" }),
    ).toThrow(/WALLET_ALLOWED_PATHS/);
    expect(() =>
      loadBridgeConfig({
        ...valid,
        WALLET_ALLOWED_CONTRACT_TYPES: "TransferContract,FreezeBalanceV2Contract",
      }),
    ).toThrow(/WALLET_ALLOWED_CONTRACT_TYPES/);
  });

  it("reads WALLET_TOKENS into token rules with bigint caps and safe defaults", () => {
    const usdt = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t";
    const config = loadBridgeConfig({
      ...valid,
      WALLET_TOKENS: JSON.stringify([
        {
          address: usdt,
          symbol: "USDT",
          decimals: 6,
          maxPerTransaction: "1000000000",
          maxPer24h: 5_000_000_000,
        },
      ]),
    });
    expect(config.WALLET_TOKENS).toEqual([
      {
        address: usdt,
        symbol: "USDT",
        decimals: 6,
        maxPerTransaction: 1_000_000_000n,
        maxPer24h: 5_000_000_000n,
        methods: ["transfer"],
        otherSelectors: [],
      },
    ]);
    expect(loadBridgeConfig(valid).WALLET_TOKENS).toEqual([]);
  });

  it("refuses token rules that are ambiguous, unbounded or unknown, naming the field", () => {
    const usdt = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t";
    const rule = { address: usdt, symbol: "USDT", decimals: 6, maxPerTransaction: "10", maxPer24h: "20" };
    const problemsOf = (tokens: unknown, extra: Record<string, string> = {}) => {
      try {
        loadBridgeConfig({ ...valid, WALLET_TOKENS: JSON.stringify(tokens), ...extra });
        return [];
      } catch (error) {
        return (error as ConfigError).problems;
      }
    };
    expect(problemsOf([rule])).toEqual([]);
    const cases: [unknown, RegExp][] = [
      [[{ ...rule, maxPerTransaction: 1.5 }], /WALLET_TOKENS\.0\.maxPerTransaction/],
      [[{ ...rule, maxPerTransaction: 2 ** 60 }], /quote it/],
      [[{ ...rule, maxPerTransaction: "30" }], /maxPerTransaction is over maxPer24h/],
      [[{ ...rule, maxPer24h: ((1n << 256n) - 1n).toString() }], /unlimited/],
      [[{ ...rule, methods: ["mint"] }], /WALLET_TOKENS\.0\.methods/],
      [[{ ...rule, otherSelectors: ["0xa9059cbb"] }], /list it by name in methods/],
      [[{ ...rule, spender: "x" }], /WALLET_TOKENS\.0/],
      [[{ ...rule, address: "T123" }], /WALLET_TOKENS\.0\.address/],
      [[rule, { ...rule, symbol: "USDT2" }], /listed twice/],
    ];
    for (const [tokens, expected] of cases) expect(problemsOf(tokens).join("\n")).toMatch(expected);
    expect(problemsOf([rule], { WALLET_ALLOWED_CONTRACTS: usdt }).join("\n")).toMatch(
      /WALLET_ALLOWED_CONTRACTS: .* is also in WALLET_TOKENS/,
    );
    expect(() => loadBridgeConfig({ ...valid, WALLET_TOKENS: "[{" })).toThrow(
      /WALLET_TOKENS: not valid JSON/,
    );
  });

  it("needs Redis in production when a wallet is enabled: the freeze is read where the device signs", () => {
    for (const wallet of [{ WALLET_DRIVER: "ledger" }, { ENABLE_HARDWARE_WALLET: "true" }]) {
      expect(() => loadBridgeConfig({ ...valid, ...wallet })).toThrow(
        /UPSTASH_REDIS_REST_URL: required in production/,
      );
      expect(
        loadBridgeConfig({
          ...valid,
          ...wallet,
          UPSTASH_REDIS_REST_URL: "https://db.upstash.io",
          UPSTASH_REDIS_REST_TOKEN: "t",
        }),
      ).toBeDefined();
      expect(loadBridgeConfig({ ...valid, ...wallet, NODE_ENV: "development" })).toBeDefined();
    }
    expect(loadBridgeConfig(valid).WALLET_DRIVER).toBeUndefined();
  });
});
