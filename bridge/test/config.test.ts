import { describe, expect, it } from "vitest";
import { ConfigError, loadBridgeConfig } from "../src/config/load.ts";

const valid = {
  BRIDGE_TLS_CERT: "/certs/server.pem",
  BRIDGE_TLS_KEY: "/certs/server.key",
  BRIDGE_TLS_CLIENT_CA: "/certs/ca.pem",
  MONGODB_URI: "mongodb://mongo:27017",
  WORKER_JWKS: '{"keys":[]}',
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
});
