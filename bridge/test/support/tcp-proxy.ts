import { connect, createServer, type Socket } from "node:net";

/** A TCP pass-through whose `cut()` makes the upstream vanish, as a dead database would. */
export async function startTcpProxy(target: { host: string; port: number }) {
  const sockets = new Set<Socket>();
  let open = true;
  const server = createServer((inbound) => {
    if (!open) return inbound.destroy();
    const outbound = connect(target.port, target.host);
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => s.destroy());
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  return {
    port,
    cut: () => {
      open = false;
      for (const s of sockets) s.destroy();
    },
    close: () =>
      new Promise<void>((r) => {
        open = false;
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
