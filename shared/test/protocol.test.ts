import { describe, expect, it } from "vitest";
import { bodyHash } from "../src/protocol/index.ts";

describe("body hash", () => {
  it("is base64url SHA-256 (known answer for the empty body and 'abc')", async () => {
    expect(await bodyHash("")).toBe("47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU");
    expect(await bodyHash(new TextEncoder().encode("abc"))).toBe(
      "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0",
    );
  });
});
