import { Agent, request } from "node:http";
import { type LoadResult, load } from "./stats.ts";

/** The headers of every request, or of request `i` (a DPoP proof is new for each request). */
export type LoadHeaders = Record<string, string> | ((i: number) => Record<string, string>);

/** Keep-alive HTTP load against workerd's socket: `connections` sockets, each one request at a time. */
export async function httpLoad(
  url: string,
  headers: LoadHeaders,
  total: number,
  connections: number,
): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const target = new URL(url);
  const headersOf = typeof headers === "function" ? headers : () => headers;
  try {
    return await load(total, connections, (i) => get(target, headersOf(i), agent));
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
