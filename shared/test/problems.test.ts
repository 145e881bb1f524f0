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
    expect(new AppError("no_such_code").problem.status).toBe(500);
  });
});
