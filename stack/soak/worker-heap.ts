/**
 * The worker isolate's own JavaScript heap, read over the DevTools protocol from workerd's
 * inspector. workerd's RSS also holds the local runtime (Miniflare's services, workerd's own
 * buffers), which grows under load even with a worker that only returns "ok"; the isolate's heap
 * is the part this project's code decides, and what Cloudflare limits per isolate.
 */
export type HeapReader = { usedMb(): Promise<number>; close(): void };

export async function connectWorkerHeap(inspectorPort: number): Promise<HeapReader> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`)).json()) as {
    title: string;
    webSocketDebuggerUrl: string;
  }[];
  // Miniflare lists its own internal workers too; the user's worker is "core:user:<name>".
  const target = targets.find((t) => t.webSocketDebuggerUrl.includes("core:user:"));
  if (!target) throw new Error("the worker's inspector target was not found");
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.addEventListener("open", resolve, { once: true });
    ws.addEventListener("error", reject, { once: true });
  });
  let nextId = 0;
  const waiting = new Map<number, (result: unknown) => void>();
  ws.addEventListener("message", (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown };
    if (message.id !== undefined) waiting.get(message.id)?.(message.result);
  });
  const call = (method: string) =>
    new Promise<unknown>((resolve) => {
      const id = ++nextId;
      waiting.set(id, (result) => {
        waiting.delete(id);
        resolve(result);
      });
      ws.send(JSON.stringify({ id, method }));
    });
  return {
    usedMb: async () => {
      const usage = (await call("Runtime.getHeapUsage")) as { usedSize?: number } | undefined;
      return (usage?.usedSize ?? Number.NaN) / (1024 * 1024);
    },
    close: () => ws.close(),
  };
}
