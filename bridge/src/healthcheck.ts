/**
 * Docker HEALTHCHECK for the distroless image (no shell, no curl):
 *   HEALTHCHECK CMD ["/nodejs/bin/node", "bridge/dist/daemon/healthcheck.js"] (compiled by build.ts)
 * Exits 0 when /health/ready answers 200 (healthy or degraded), 1 otherwise.
 */
const host = process.env.BRIDGE_HEALTH_HOST ?? "127.0.0.1";
const port = process.env.BRIDGE_HEALTH_PORT ?? "8090";

try {
  const res = await fetch(`http://${host}:${port}/health/ready`, { signal: AbortSignal.timeout(5_000) });
  const body = (await res.json()) as { status?: string };
  process.stdout.write(`${res.status} ${body.status ?? "unknown"}\n`);
  process.exit(res.status === 200 ? 0 : 1);
} catch (error) {
  process.stdout.write(`unreachable: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
