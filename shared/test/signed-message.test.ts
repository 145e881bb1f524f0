import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildMessageEnvelope, SIGNED_MESSAGE_HEADER } from "../src/protocol/index.ts";
import { buildSiwtMessage, detectSignInLike, generateNonce, parseSiwtMessage } from "../src/siwt/index.ts";

const ADDRESS = "TUEZSdKsoDHQMeZwihtdoBiN46zxhGWYdH";
const challenge = (statement?: string) =>
  buildSiwtMessage({
    domain: "auth.example.test",
    address: ADDRESS,
    ...(statement === undefined ? {} : { statement }),
    uri: "https://auth.example.test/login",
    version: "1",
    chainId: "tron:728126428",
    nonce: generateNonce(),
    issuedAt: "2026-11-01T00:00:00Z",
    expirationTime: "2026-11-01T00:05:00Z",
  });

describe("sign-in detection", () => {
  it("flags every message of the SIWT grammar, whatever its statement", () => {
    fc.assert(
      fc.property(
        fc.option(fc.stringMatching(/^[A-Za-z0-9 ,.!?'-]{0,80}[A-Za-z0-9.!?]$/), { nil: undefined }),
        (s) => {
          expect(detectSignInLike(challenge(s))).toBe("sign_in_message");
        },
      ),
    );
  });

  it("flags looser sign-in texts and texts naming a listed domain, and passes ordinary text", () => {
    expect(detectSignInLike("a.b wants you to sign in with your Solana account:\nxyz")).toBe(
      "sign_in_message",
    );
    expect(detectSignInLike("Sign-in with your TRON account please")).toBe("sign_in_message");
    expect(detectSignInLike("URI: https://x\nChain ID: 1")).toBe("sign_in_fields");
    expect(detectSignInLike("see Auth.Example.Test today", ["auth.example.test"])).toBe("names_service");
    expect(detectSignInLike("Rotate node key for sr-07\nVersion: 3")).toBeNull();
    expect(detectSignInLike("Approve maintenance window 42", ["auth.example.test"])).toBeNull();
  });
});

describe("message envelope", () => {
  it("never parses as a sign-in message and is never flagged as one, whatever the caller's text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        const env = buildMessageEnvelope({
          service: "auth.example.test",
          user: "usr_1",
          request: "r-1",
          text,
        });
        expect(env.startsWith(`${SIGNED_MESSAGE_HEADER}\n`)).toBe(true);
        expect(env.endsWith(`\n\n${text}`)).toBe(true);
        expect(() => parseSiwtMessage(env)).toThrow();
      }),
    );
    // Even a whole challenge as the caller's text: the envelope's first line is not a header.
    expect(() =>
      parseSiwtMessage(buildMessageEnvelope({ service: "s", user: "u", request: "r", text: challenge() })),
    ).toThrow();
  });

  it("refuses header values that could add lines", () => {
    expect(() => buildMessageEnvelope({ service: "s", user: "u\nURI: x", request: "r", text: "t" })).toThrow(
      RangeError,
    );
  });
});
