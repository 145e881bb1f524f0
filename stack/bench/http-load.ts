import { Agent, request } from "node:http";
import { type LoadResult, load } from "./stats.ts";

/** Keep-alive HTTP load against workerd's socket: `connections` sockets, each one request at a time. */
export async function httpLoad(
  url: string,
  headers: Record<string, string>,
  total: number,
  connections: number,
): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const target = new URL(url);
  try {
    return await load(total, connections, () => get(target, headers, agent));
  } finally {
    agent.destroy();
  }
}

function get(url: URL, headers: Record<string, string>, agent: Agent): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers }, (res) => {
      res.resume();
      res.on("end", () =>
        res.statusCode === 200 ? resolve() : reject(new Error(`${url.pathname}: ${res.statusCode}`)),
      );
    });
    req.on("error", reject);
    req.end();
  });
}
