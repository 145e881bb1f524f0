import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { COMPILED } from "@tron-auth/bridge/build";
import { loadBridgeConfig } from "@tron-auth/bridge/config";
import { bridgeEnvSchema } from "@tron-auth/bridge/config-schema";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";

const ROOT = join(import.meta.dirname, "..", "..");
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");

type Service = {
  build?: { context: string; dockerfile: string; target: string };
  image?: string;
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  restart?: string;
  mem_limit?: string;
  read_only?: boolean;
  cap_drop?: string[];
  volumes?: string[];
  profiles?: string[];
  ports?: string[];
  networks?: string[];
};

type Compose = {
  services: Record<string, Service>;
  networks?: Record<string, { internal?: boolean } | null>;
};

function compose(): Compose {
  const doc = parseDocument(read("docker/compose.yaml"), { uniqueKeys: true, strict: true });
  expect(doc.errors.map((e) => e.message)).toEqual([]);
  return doc.toJS() as Compose;
}

/** Instructions of the Dockerfile, continuation lines joined, comments dropped. */
function dockerfile(): { instruction: string; args: string; stage: string }[] {
  const lines = read("docker/Dockerfile").replace(/\\\n/g, " ").split("\n");
  const out: { instruction: string; args: string; stage: string }[] = [];
  let stage = "";
  for (const line of lines.map((l) => l.trim())) {
    if (!line || line.startsWith("#")) continue;
    const [instruction = "", ...rest] = line.split(/\s+/);
    const args = rest.join(" ");
    if (instruction === "FROM") stage = / AS (\S+)$/i.exec(args)?.[1] ?? "";
    out.push({ instruction, args, stage });
  }
  return out;
}

/** ${VAR}, ${VAR:-default}, ${VAR:?message} as compose would resolve them with a filled .env. */
function interpolate(value: string, env: Record<string, string>): string {
  return value.replace(
    /\$\{([A-Z0-9_]+)(?::[-?]([^}]*))?\}/g,
    (_, name: string, fallback?: string) => env[name] ?? (value.includes(":-") ? (fallback ?? "") : ""),
  );
}

const DOT_ENV: Record<string, string> = {
  WORKER_JWKS: JSON.stringify({
    keys: [{ kty: "OKP", crv: "Ed25519", x: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", kid: "k1" }],
  }),
  SIWT_DOMAIN: "auth.example.com",
  SIWT_URI: "https://auth.example.com/login",
  BOOTSTRAP_SUPER_ADMIN_ADDRESS: "TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7",
  UPSTASH_REDIS_REST_URL: "https://db.upstash.io",
  UPSTASH_REDIS_REST_TOKEN: "0123456789abcdef0123",
  BRIDGE_PUBLIC_HOSTNAME: "bridge.example.com",
};

describe("docker/compose.yaml", () => {
  it("sets only variables the bridge's config knows, and the bridge starts from them", () => {
    const env = compose().services.bridge?.environment ?? {};
    const known = new Set(Object.keys(bridgeEnvSchema.shape));
    expect(Object.keys(env).filter((name) => !known.has(name))).toEqual([]);
    const resolved = Object.fromEntries(
      Object.entries(env).map(([k, v]) => [k, interpolate(String(v), DOT_ENV)]),
    );
    const config = loadBridgeConfig(resolved);
    expect(config).toMatchObject({
      NODE_ENV: "production",
      WALLET_DEVICE: "ledger",
      MONGODB_URI: "mongodb://mongo:27017",
    });
  });

  it("sets every variable the bridge requires", () => {
    const env = compose().services.bridge?.environment ?? {};
    const required = Object.entries(bridgeEnvSchema.shape)
      .filter(([, schema]) => !schema.safeParse(undefined).success)
      .map(([name]) => name);
    expect(required.length).toBeGreaterThan(5);
    expect(required.filter((name) => !(name in env))).toEqual([]);
  });

  it("mounts the certificate paths the bridge is told to read, read-only", () => {
    const bridge = compose().services.bridge;
    expect(bridge?.volumes).toContain("./certs:/certs:ro");
    for (const name of ["BRIDGE_TLS_CERT", "BRIDGE_TLS_KEY", "BRIDGE_TLS_CLIENT_CA"]) {
      expect(bridge?.environment?.[name]).toMatch(/^\/certs\//);
    }
  });

  it("hardens and bounds every long-running service", () => {
    for (const [name, service] of Object.entries(compose().services)) {
      expect([name, service.restart]).toEqual([name, "unless-stopped"]);
      expect([name, service.mem_limit]).toEqual([name, expect.stringMatching(/^\d+m$/)]);
      if (service.image && !service.build)
        expect([name, service.image]).toEqual([name, expect.stringMatching(/:\d+\.\d+/)]);
    }
    const bridge = compose().services.bridge;
    expect(bridge?.read_only).toBe(true);
    expect(bridge?.cap_drop).toEqual(["ALL"]);
    expect(compose().services.mongo?.healthcheck?.test).toContain("mongosh");
  });

  it("publishes only the bridge's mTLS port beyond the Pi; the plain-HTTP Redis proxy binds loopback", () => {
    const { services, networks } = compose();
    expect(services.bridge?.ports).toEqual(["8089:8089"]);
    for (const [name, service] of Object.entries(services)) {
      if (name === "bridge") continue;
      for (const port of service.ports ?? [])
        expect([name, port]).toEqual([name, expect.stringMatching(/^127\.0\.0\.1:\d+:\d+$/)]);
    }
    expect(services["upstash-rest"]?.ports).toEqual(["127.0.0.1:8079:8079"]);
    // Redis itself: no published port, on an internal network only the REST server joins.
    expect(services.redis?.ports).toBeUndefined();
    expect(services.redis?.networks).toEqual(["redis"]);
    expect(networks?.redis?.internal).toBe(true);
    const onRedisNet = Object.entries(services).filter(([, s]) => s.networks?.includes("redis"));
    expect(onRedisNet.map(([name]) => name).sort()).toEqual(["redis", "upstash-rest"]);
  });

  it("gives the bridge the restricted token and the home REST server the worker's token separately", () => {
    const rest = compose().services["upstash-rest"]?.environment ?? {};
    const bridge = compose().services.bridge?.environment ?? {};
    const variableOf = (value: string | undefined) => /^\$\{([A-Z0-9_]+)/.exec(value ?? "")?.[1];
    expect(variableOf(rest.UPSTASH_REST_BRIDGE_TOKEN)).toBe(variableOf(bridge.UPSTASH_REDIS_REST_TOKEN));
    expect(variableOf(rest.UPSTASH_REST_TOKEN)).toBeDefined();
    expect(variableOf(rest.UPSTASH_REST_TOKEN)).not.toBe(variableOf(bridge.UPSTASH_REDIS_REST_TOKEN));
    const example = read("docker/env.example");
    expect(example).toContain(`${variableOf(rest.UPSTASH_REST_TOKEN)}=`);
  });

  it("builds each service from a Dockerfile stage that exists", () => {
    const stages = new Set(dockerfile().map((i) => i.stage));
    for (const service of Object.values(compose().services)) {
      if (!service.build) continue;
      expect(existsSync(join(ROOT, "docker", service.build.context, service.build.dockerfile))).toBe(true);
      expect(stages).toContain(service.build.target);
    }
  });
});

describe("docker/Dockerfile", () => {
  const steps = dockerfile();
  const runtime = steps.filter((s) => s.stage === "bridge");
  const copiedInBuild = steps
    .filter((s) => s.stage === "build" && s.instruction === "COPY")
    .map((s) => s.args.split(/\s+/)[0] ?? "");

  it("copies the manifest of every workspace that package-lock.json records", () => {
    const { workspaces } = JSON.parse(read("package.json")) as { workspaces: string[] };
    for (const folder of workspaces) expect(copiedInBuild).toContain(`${folder}/package.json`);
  });

  it("runs the Upstash REST server from a file that exists and that the build stage copied", () => {
    const stage = steps.filter((s) => s.stage === "upstash-rest");
    const cmd = JSON.parse(stage.find((s) => s.instruction === "CMD")?.args ?? "[]") as string[];
    const main = cmd.at(-1) ?? "";
    expect(existsSync(join(ROOT, main))).toBe(true);
    expect(copiedInBuild.filter((source) => main.startsWith(`${source}/`))).toHaveLength(1);
  });

  it("copies only paths that exist in the repository", () => {
    for (const step of steps.filter((s) => s.instruction === "COPY" && !s.args.includes("--from"))) {
      const sources = step.args
        .split(/\s+/)
        .filter((a) => !a.startsWith("--"))
        .slice(0, -1);
      for (const source of sources) expect([source, existsSync(join(ROOT, source))]).toEqual([source, true]);
    }
  });

  it("runs the compiled daemon and health check that its compile stage builds, with the daemon's flags", () => {
    const cmd = JSON.parse(runtime.find((s) => s.instruction === "CMD")?.args ?? "[]") as string[];
    expect(cmd).toEqual(["--max-semi-space-size=1", COMPILED.daemon]);
    const health = runtime.find((s) => s.instruction === "HEALTHCHECK")?.args ?? "";
    expect(health).toContain("--interval=30s --timeout=10s --start-period=10s --retries=3");
    const healthCmd = JSON.parse(health.slice(health.indexOf("CMD") + 3).trim()) as string[];
    expect(healthCmd).toEqual(["/nodejs/bin/node", COMPILED.healthcheck]);
    // Both come out of bridge/build.ts in the compile stage, copied into the runtime.
    const outDir = COMPILED.daemon.slice(0, COMPILED.daemon.lastIndexOf("/"));
    expect(COMPILED.healthcheck.startsWith(`${outDir}/`)).toBe(true);
    const compile = steps.filter((s) => s.stage === "compile");
    expect(compile.map((s) => s.args)).toContain("node bridge/build.ts");
    expect(runtime.map((s) => s.args)).toContain(
      `--from=compile --chown=nonroot:nonroot /app/${outDir} /app/${outDir}`,
    );
    for (const source of ["bridge/src/main.ts", "bridge/src/healthcheck.ts", "bridge/build.ts"])
      expect([source, existsSync(join(ROOT, source))]).toEqual([source, true]);
  });

  it("runs as non-root on distroless Node 22, exposing the port the bridge listens on", () => {
    expect(runtime[0]?.args).toMatch(/^gcr\.io\/distroless\/nodejs22-debian12:nonroot AS bridge$/);
    expect(runtime.find((s) => s.instruction === "USER")?.args).toBe("nonroot");
    const port = bridgeEnvSchema.shape.BRIDGE_PORT.parse(undefined);
    expect(runtime.find((s) => s.instruction === "EXPOSE")?.args).toBe(String(port));
    expect(runtime.map((s) => s.instruction)).not.toContain("RUN");
  });

  it("fails the build when the optional Ledger USB transport did not compile", () => {
    const build = steps.filter((s) => s.stage === "build" && s.instruction === "RUN");
    const install = build.find((s) => s.args.includes("npm install"));
    expect(install?.args).toMatch(
      /npm install [^&]*&& node -e "require\('@ledgerhq\/hw-transport-node-hid'\)"/,
    );
    const headers = build.find((s) => s.args.includes("apt-get install"))?.args ?? "";
    for (const pkg of ["libusb-1.0-0-dev", "libudev-dev", "python3", "make", "g++"])
      expect(headers).toContain(pkg);
  });

  it("passes a lint: known instructions, pinned base images, apt lists cleaned", () => {
    const KNOWN = new Set([
      "FROM",
      "RUN",
      "COPY",
      "WORKDIR",
      "ENV",
      "EXPOSE",
      "USER",
      "HEALTHCHECK",
      "CMD",
      "ARG",
      "LABEL",
    ]);
    expect(steps.map((s) => s.instruction).filter((i) => !KNOWN.has(i))).toEqual([]);
    const froms = steps.filter((s) => s.instruction === "FROM");
    const stages = new Set(froms.map((s) => s.stage));
    // A stage built on an earlier stage names no image; every image is pinned.
    for (const from of froms.filter((s) => !stages.has(s.args.split(" ")[0] ?? "")))
      expect(from.args).not.toMatch(/:latest\b|^[^:]+ AS/);
    expect(froms.filter((s) => stages.has(s.args.split(" ")[0] ?? "")).map((s) => s.stage)).toEqual([
      "compile",
    ]);
    for (const run of steps.filter((s) => s.args.includes("apt-get install"))) {
      expect(run.args).toContain("--no-install-recommends");
      expect(run.args).toContain("rm -rf /var/lib/apt/lists/*");
    }
  });
});
