import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

const worker = (exports as unknown as { default: Fetcher }).default;
const LIMIT = 16 * 1024;

/** A body without Content-Length, produced on demand: `pulled()` says how much the worker read. */
function endlessBody(chunkBytes: number, maxBytes: number) {
  let pulled = 0;
  const chunk = new Uint8Array(chunkBytes).fill(0x20);
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled >= maxBytes) return controller.close();
      pulled += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  return { stream, pulled: () => pulled };
}

const post = (body: ReadableStream<Uint8Array> | string) =>
  worker.fetch("https://edge.test/v1/auth/challenge", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
  });

describe("request bodies over the limit at the edge", () => {
  it("answers a streamed body without Content-Length with 413, having read little past the limit", async () => {
    const body = endlessBody(4 * 1024, 64 * 1024 * 1024);
    const res = await post(body.stream);
    expect(res.status).toBe(413);
    expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({ status: 413, code: "payload_too_large" });
    // The runtime may pull a few chunks ahead; reading it all would be 64 MiB.
    expect(body.pulled()).toBeLessThan(1024 * 1024);
  });

  it("answers a declared Content-Length over the limit with 413", async () => {
    const res = await post(JSON.stringify({ address: "x".repeat(LIMIT) }));
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: "payload_too_large" });
  });

  it("reads a streamed body within the limit", async () => {
    const res = await post(
      new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"address":'));
          controller.enqueue(new TextEncoder().encode('"not-an-address"}'));
          controller.close();
        },
      }),
    );
    expect([res.status, ((await res.json()) as { code: string }).code]).toEqual([400, "validation_failed"]);
  });
});
