import type { Server, ServerOptions } from "node:https";
import type { Duplex } from "node:stream";
import { PROBLEM_CONTENT_TYPE, type ProblemCode, problem } from "@tron-auth/shared/problems";

/**
 * What one listener on a Pi lets a caller hold. The bridge is reachable from the internet (the
 * worker's egress is Cloudflare's), so anyone can open TCP connections and start handshakes; only
 * the worker finishes them. Each bound below caps what a peer that never finishes can tie up.
 */
export type ListenerLimits = {
  /** A handshake is the only work an unauthenticated peer can ask for: it must end soon. */
  handshakeTimeoutMs: number;
  /** Slowloris: headers trickled a byte at a time would otherwise hold the socket for ever. */
  headersTimeoutMs: number;
  /** A body trickled the same way (the body limit bounds its size, this its duration). */
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** Headers are buffered whole before any route runs; beyond this, 431. */
  maxHeaderBytes: number;
  /** File descriptors and TLS state (tens of KiB each) are what a Pi runs out of first. */
  maxConnections: number;
  /** One address cannot take every slot; the worker arrives from many of Cloudflare's. */
  maxConnectionsPerPeer: number;
};

/** The Node server options these limits set; Node checks its timeouts every `checkEveryMs`. */
export function serverOptionsFor(limits: ListenerLimits): ServerOptions {
  return {
    handshakeTimeout: limits.handshakeTimeoutMs,
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    maxHeaderSize: limits.maxHeaderBytes,
    // Node's default (30 s) would let a slow peer outlive a 10 s headers timeout threefold.
    connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor(limits.headersTimeoutMs / 4))),
  };
}

/** Caps connections in total and per peer address, and answers malformed requests as problems. */
export function applyConnectionLimits(server: Server, limits: ListenerLimits): void {
  // Node closes connections beyond this before they reach any handler (and before TLS).
  server.maxConnections = limits.maxConnections;
  const perPeer = new Map<string, number>();
  // "connection" is the TCP socket, before the handshake: a refused peer costs no TLS work.
  server.on("connection", (socket: Duplex & { remoteAddress?: string }) => {
    const peer = socket.remoteAddress ?? "unknown";
    const open = perPeer.get(peer) ?? 0;
    if (open >= limits.maxConnectionsPerPeer) return void socket.destroy();
    perPeer.set(peer, open + 1);
    socket.once("close", () => {
      const left = (perPeer.get(peer) ?? 1) - 1;
      if (left <= 0) perPeer.delete(peer);
      else perPeer.set(peer, left);
    });
  });
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Duplex) => {
    const code = refusalFor(error.code);
    if (!code || !socket.writable || answerStarted(socket)) return void socket.destroy();
    socket.end(rawProblem(code));
  });
}

/** The parser's and the timers' errors that deserve an answer; the rest (resets) just close. */
function refusalFor(code: string | undefined): ProblemCode | undefined {
  if (code === "HPE_HEADER_OVERFLOW") return "request_header_fields_too_large";
  if (code === "ERR_HTTP_REQUEST_TIMEOUT") return "request_timeout";
  if (code?.startsWith("HPE_")) return "bad_request";
  return undefined;
}

/** As Node itself checks: a response already under way on this socket must not be corrupted. */
function answerStarted(socket: Duplex): boolean {
  const current: unknown = Reflect.get(socket, "_httpMessage");
  return typeof current === "object" && current !== null && Reflect.get(current, "headersSent") === true;
}

/** No request object exists at this point (the parser failed), so the answer is written raw. */
function rawProblem(code: ProblemCode): string {
  const doc = problem(code);
  const body = JSON.stringify(doc);
  return [
    `HTTP/1.1 ${doc.status} ${doc.title}`,
    `Content-Type: ${PROBLEM_CONTENT_TYPE}`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    "Connection: close",
    "",
    body,
  ].join("\r\n");
}
