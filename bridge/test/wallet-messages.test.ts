import { SIGNED_MESSAGE_HEADER } from "@tron-auth/shared/protocol";
import { utils } from "tronweb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_ADDRESS, transferHex } from "./support/transactions.ts";
import { SIWT, siwtMessage } from "./support/wallet.ts";
import { startWalletBridge, type WalletBridge } from "./support/wallet-bridge.ts";

const OTHER_PATH = "44'/195'/1'/0/0";
let w: WalletBridge;

beforeAll(async () => {
  w = await startWalletBridge({ WALLET_ALLOWED_PATHS: `m/${OTHER_PATH}` });
});
afterAll(() => w.t.stop());

const device = () => w.device();
const signMsg = (message: string, path?: string) => w.signMsg(message, path ? { path } : {});
const recovered = (message: string, signature: unknown) =>
  utils.message.verifyMessage(message, String(signature));

/** Each must be refused before the device hears of it, with this reason. */
const refusedMessages: [string, string, string][] = [
  ["this service's own challenge for the device's address", siwtMessage(TEST_ADDRESS), "sign_in_message"],
  [
    "a challenge of another SIWT service",
    siwtMessage(TEST_ADDRESS, { domain: "evil.example", uri: "https://evil.example/login" }),
    "sign_in_message",
  ],
  [
    "a SIWE (EIP-4361) message",
    [
      "app.example wants you to sign in with your Ethereum account:",
      "0x0000000000000000000000000000000000000001",
      "",
      "URI: https://app.example",
      "Version: 1",
      "Chain ID: 1",
      "Nonce: 32891756",
      "Issued At: 2026-11-01T00:00:00Z",
    ].join("\n"),
    "sign_in_message",
  ],
  ["a CRLF sign-in header", "X wants you to sign in with your TRON account:\r\nT...", "hidden_characters"],
  ["the header phrase split by a zero-width space", "x wants you to sign\u200B in with", "hidden_characters"],
  ["a soft hyphen inside the header phrase", "X wa\u00ADnts you to sign in", "hidden_characters"],
  [
    "the header phrase upper-cased, in full-width letters",
    "X WANTS YOU TO ＳＩＧＮ IN WITH YOUR TRON ACCOUNT: T",
    "sign_in_message",
  ],
  [
    "the header phrase with odd spacing",
    "x  wants you to\tsign in with your TRON account: T",
    "sign_in_message",
  ],
  [
    "EIP-4361 field lines without a header",
    "hello\nNonce: abcdefgh\nIssued At: 2026-11-01T00:00:00Z",
    "sign_in_fields",
  ],
  [
    "a text naming this service's domain",
    `Approve ${SIWT.domain.toUpperCase()} maintenance`,
    "names_service",
  ],
  ["a bidi override", "pay \u202Eevil\u202C now", "hidden_characters"],
  ["a NUL byte", "a\u0000b", "hidden_characters"],
];

describe("sign-message: only enveloped, non-sign-in text", () => {
  it("signs the envelope, returns the exact signed text, and the bare text does not verify", async () => {
    const text = "Approve node maintenance #42 ✓";
    const res = await signMsg(text);
    expect(res.status).toBe(200);
    const signed = String(res.body.signedMessage);
    expect(signed).toBe(
      [
        SIGNED_MESSAGE_HEADER,
        `Service: ${SIWT.domain}`,
        `User: ${w.signer.sub}`,
        `Request: ${String(res.operation?.id)}`,
        "",
        text,
      ].join("\n"),
    );
    expect(res.body.address).toBe(TEST_ADDRESS);
    expect(recovered(signed, res.body.signature)).toBe(TEST_ADDRESS);
    expect(recovered(text, res.body.signature)).not.toBe(TEST_ADDRESS);
  });

  for (const [name, message, reason] of refusedMessages) {
    it(`refuses ${name} (${reason}) before the device is touched, and audits it`, async () => {
      const before = device().exchangeCount;
      const res = await signMsg(message);
      expect([res.status, res.body.code, res.body.reason]).toEqual([403, "signing_policy_denied", reason]);
      expect(device().exchangeCount).toBe(before);
    });
  }

  it("records each refusal as a policy denial with its reason", async () => {
    const reasons = (await w.auditEvents())
      .filter((e) => e.type === "wallet_policy_denied")
      .map((e) => e.details.reason);
    expect(new Set(reasons)).toEqual(new Set(refusedMessages.map(([, , r]) => r)));
  });
});

describe("derivation paths: the default and the configured ones only", () => {
  it("signs with a configured extra path (another key), with or without the m/ prefix", async () => {
    const res = await signMsg("from the second key", OTHER_PATH);
    expect(res.status).toBe(200);
    expect(res.body.address).not.toBe(TEST_ADDRESS);
    expect(recovered(String(res.body.signedMessage), res.body.signature)).toBe(res.body.address);
    expect((await signMsg("default, spelled out", "m/44'/195'/0'/0/0")).body.address).toBe(TEST_ADDRESS);
  });

  it("refuses any other path for messages and transactions, before the device is touched", async () => {
    const before = device().exchangeCount;
    const msg = await signMsg("other key", "44'/195'/2'/0/0");
    expect([msg.status, msg.body.reason]).toEqual([403, "path_not_allowed"]);
    const tx = await w.signTx(transferHex({ amountSun: 1 }), { path: "44'/195'/0'/0/1" });
    expect([tx.status, tx.body.reason]).toEqual([403, "path_not_allowed"]);
    const malformed = await signMsg("bad path", "44'/60'/0'/0/0");
    expect([malformed.status, malformed.body.code]).toEqual([400, "validation_failed"]);
    expect(device().exchangeCount).toBe(before);
  });
});
