import { describe, expect, it } from "vitest";
import { AppError, PROBLEMS, problem, problemSchema } from "../src/problems/index.ts";

describe("problem documents", () => {
  for (const code of Object.keys(PROBLEMS)) {
    it(`${code} builds a valid RFC 9457 document`, () => {
      const doc = problem(code, { detail: "d" });
      expect(problemSchema.parse(doc)).toMatchObject({
        code,
        status: PROBLEMS[code as keyof typeof PROBLEMS].status,
        detail: "d",
      });
      expect(doc.type.endsWith(code)).toBe(true);
    });
  }
  it("AppError carries status, code and extensions; unknown codes are 500", () => {
    const e = new AppError("rate_limited", "slow down", { retryAfter: 3 });
    expect(e.problem).toMatchObject({ status: 429, code: "rate_limited", retryAfter: 3 });
    // @ts-expect-error: the constructor's type admits only the catalog's codes (typecheck fails otherwise).
    expect(new AppError("no_such_code").problem.status).toBe(500);
  });
});

describe("request parsing helpers", async () => {
  const { z } = await import("zod");
  const { parseJsonBytes, parseWith, requireJsonContentType } = await import("../src/problems/index.ts");
  const code = (f: () => unknown) => {
    try {
      f();
      return "ok";
    } catch (e) {
      return (e as AppError).problem.code;
    }
  };

  it("maps bad JSON, invalid UTF-8, schema failures and wrong content types to 4xx codes", () => {
    expect(code(() => parseJsonBytes(new TextEncoder().encode("{")))).toBe("bad_request");
    expect(code(() => parseJsonBytes(new Uint8Array([0x22, 0xff, 0x22])))).toBe("bad_request");
    expect(parseJsonBytes(new TextEncoder().encode('{"a":1}'))).toEqual({ a: 1 });
    const schema = z.strictObject({ address: z.string() });
    expect(code(() => parseWith(schema, { address: { $ne: "" } }))).toBe("validation_failed");
    expect(code(() => parseWith(schema, { address: "T", extra: 1 }))).toBe("validation_failed");
    expect(code(() => requireJsonContentType("text/plain"))).toBe("unsupported_media_type");
    expect(code(() => requireJsonContentType("application/json; charset=utf-8"))).toBe("ok");
  });
});
