import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { freePort } from "@tron-auth/launchers/ports";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const dir = mkdtempSync(join(tmpdir(), "tron-auth-dev-"));
const node = process.execPath;
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

type Ready = {
  ready: true;
  urls: Record<"edge" | "bridge" | "upstash" | "forwarder" | "signIn", string>;
  superAdmin: string;
};

function start(env: Record<string, string>): Promise<{ child: ChildProcess; ready: Ready }> {
  // stdio pipes, so stdout and stderr exist
  const child = spawn(
    node,
    ["--disable-warning=ExperimentalWarning", join(ROOT, "stack", "src", "start.ts")],
    {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  children.push(child);
  let stderr = "";
  const said: string[] = [];
  const { stdout, stderr: errors } = child;
  errors.on("data", (d: Buffer) => (stderr += d.toString()));
  // Both streams in the failure, so a start that stalls shows the last step it reached.
  const output = () => `stdout:\n${said.join("\n")}\nstderr:\n${stderr}`;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start not ready in 180 s; ${output()}`)), 180_000);
    child.once("exit", (code) => reject(new Error(`npm start exited ${code}; ${output()}`)));
    createInterface({ input: stdout }).on("line", (line) => {
      said.push(line);
      if (!line.startsWith('{"ready":true')) return;
      clearTimeout(timer);
      resolve({ child, ready: JSON.parse(line) as Ready });
    });
  });
}

const demo = (edgeUrl: string) =>
  spawnSync(node, ["--disable-warning=ExperimentalWarning", join(ROOT, "stack", "src", "demo.ts")], {
    env: { ...process.env, EDGE_URL: edgeUrl, DEV_DIR: dir },
    encoding: "utf8",
    timeout: 60_000,
  });

const portClosed = (url: string) =>
  new Promise<boolean>((resolve) => {
    const { hostname, port } = new URL(url);
    const socket = connect(Number(port), hostname);
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(true));
  });

async function waitForHealth(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} not healthy in time`);
}

describe("the local stack (npm start), the demo, and wrangler dev through the forwarder", () => {
  it("starts, passes every demo step on Miniflare and on wrangler dev, and stops without leftovers", async () => {
    const ports = {
      EDGE_PORT: String(await freePort()),
      BRIDGE_PORT: String(await freePort()),
      BRIDGE_HEALTH_PORT: String(await freePort()),
      UPSTASH_PORT: String(await freePort()),
      FORWARDER_PORT: String(await freePort()),
    };
    const { child, ready } = await start({ DEV_DIR: dir, ...ports });

    // The sign-in page, served by the worker from the pages npm start built, at the URL it printed.
    expect(ready.urls.signIn).toBe("http://localhost:8787/");
    const page = await fetch(`${ready.urls.edge}/`);
    expect([page.status, page.headers.get("content-type")?.split(";")[0]]).toEqual([200, "text/html"]);
    expect(await page.text()).toContain("Sign in with your TRON wallet");

    const viaMiniflare = demo(ready.urls.edge);
    expect(viaMiniflare.stdout).toContain("demo: all steps passed");
    expect(viaMiniflare.status).toBe(0);

    // wrangler dev: the same worker, top-level wrangler.toml vars, BRIDGE through the forwarder.
    const secrets = join(dir, "wrangler.env");
    const keys = readFileSync(join(dir, "jwt-signing-keys.json"), "utf8");
    const token = readFileSync(join(dir, "upstash-token.txt"), "utf8").trim();
    const macKey = readFileSync(join(dir, "session-mac-key.txt"), "utf8").trim();
    writeFileSync(
      secrets,
      `JWT_SIGNING_KEYS='${JSON.stringify(JSON.parse(keys))}'\nSESSION_MAC_KEY=${macKey}\nUPSTASH_REDIS_REST_TOKEN=${token}\n`,
    );
    const wranglerPort = String(await freePort());
    const wrangler = spawn(
      join(ROOT, "node_modules", ".bin", "wrangler"),
      [
        "dev",
        "--config",
        join(ROOT, "wrangler.toml"),
        "--ip",
        "127.0.0.1",
        "--port",
        wranglerPort,
        "--env-file",
        secrets,
        "--var",
        `UPSTASH_REDIS_REST_URL:${ready.urls.upstash}`,
        "--var",
        `BRIDGE_FORWARDER_URL:${ready.urls.forwarder}`,
        "--show-interactive-dev-session=false",
        "--log-level",
        "error",
      ],
      { cwd: ROOT, env: { ...process.env, WRANGLER_SEND_METRICS: "false" }, stdio: "ignore" },
    );
    children.push(wrangler);
    const wranglerUrl = `http://127.0.0.1:${wranglerPort}`;
    try {
      await waitForHealth(wranglerUrl, 120_000);
      const viaWrangler = demo(wranglerUrl);
      expect(viaWrangler.stdout).toContain("demo: all steps passed");
    } finally {
      wrangler.kill("SIGTERM");
    }

    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    child.kill("SIGINT");
    // 0 from our handler, or 130 (128 + SIGINT) when Miniflare's exit hook ends the process first;
    // either way every server below must be gone.
    expect([0, 130]).toContain(await exited);
    for (const url of [ready.urls.edge, ready.urls.bridge, ready.urls.upstash, ready.urls.forwarder]) {
      expect([url, await portClosed(url)]).toEqual([url, true]);
    }
  });
});
