import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_ADDRESS, tokenCall, transferHex, triggerHex, USDT } from "./support/transactions.ts";
import { newWallet } from "./support/wallet.ts";
import { startWalletBridge, type WalletBridge } from "./support/wallet-bridge.ts";

const MAX = (1n << 256n) - 1n;
const TOK = newWallet().address;
const OPAQUE = newWallet().address;
const attacker = newWallet().address;
const payee = newWallet().address;
const BALANCE_OF = "70a08231";

let w: WalletBridge;
beforeAll(async () => {
  w = await startWalletBridge({
    WALLET_ALLOWED_CONTRACTS: OPAQUE,
    WALLET_MAX_PER_TRANSACTION_SUN: "5000000",
    WALLET_TOKENS: JSON.stringify([
      {
        address: USDT,
        symbol: "USDT",
        decimals: 6,
        maxPerTransaction: "5000000",
        maxPer24h: "8000000",
        methods: ["transfer", "transferFrom", "approve", "increaseAllowance"],
        otherSelectors: [`0x${BALANCE_OF}`],
      },
      { address: TOK, symbol: "TOK", decimals: 18, maxPerTransaction: "10", maxPer24h: 20 },
    ]),
  });
});
afterAll(() => w.t.stop());

const usdt = (data: string, callValueSun?: number) =>
  w.signTx(triggerHex({ contract: USDT, data, ...(callValueSun ? { callValueSun } : {}) }));
const transfer = (to: string, amount: bigint) => tokenCall("transfer(address,uint256)", [to, amount]);
const approve = (spender: string, amount: bigint) => tokenCall("approve(address,uint256)", [spender, amount]);

/** Refused with this reason, and the device never heard of it. */
async function refused(call: Promise<{ status: number; body: Record<string, unknown> }>, reason: string) {
  const before = w.device().exchangeCount;
  const res = await call;
  expect([res.status, res.body.code, res.body.reason]).toEqual([403, "signing_policy_denied", reason]);
  expect(w.device().exchangeCount).toBe(before);
}

describe("TRC-20 calls to allowlisted tokens: decoded, capped in the token's units", () => {
  it("signs a transfer under the caps and audits its decoded summary", async () => {
    const res = await usdt(transfer(payee, 1_500_000n));
    expect(res.status).toBe(200);
    const approved = (await w.auditEvents()).find((e) => e.type === "wallet_sign_approved");
    expect(approved?.details).toMatchObject({
      txID: res.body.txID,
      summary: {
        type: "TriggerSmartContract",
        action: "token_transfer",
        owner: TEST_ADDRESS,
        trc20: { symbol: "USDT", address: USDT, decimals: 6 },
        amount: { units: "1500000", display: "1.5 USDT" },
        to: payee,
        text: `send 1.5 USDT (${USDT}) to ${payee}`,
      },
    });
  });

  it("refuses unlimited approvals, and approvals or increases over the per-transaction cap", async () => {
    await refused(usdt(approve(attacker, MAX)), "unlimited_approval");
    await refused(usdt(approve(attacker, 5_000_001n)), "token_per_transaction_cap");
    await refused(
      usdt(tokenCall("increaseAllowance(address,uint256)", [attacker, MAX])),
      "unlimited_approval",
    );
    await refused(usdt(transfer(attacker, 5_000_001n)), "token_per_transaction_cap");
  });

  it("records the decoded summary on a denial too: spender and amount in human form", async () => {
    const denied = (await w.auditEvents()).find(
      (e) =>
        e.type === "wallet_policy_denied" &&
        e.details.reason === "unlimited_approval" &&
        (e.details.summary as { action: string }).action === "token_approve",
    );
    expect(denied?.details.summary).toMatchObject({
      action: "token_approve",
      spender: attacker,
      amount: {
        units: MAX.toString(),
        display: `${(MAX / 1_000_000n).toString()}.${(MAX % 1_000_000n).toString().padStart(6, "0")} USDT`,
      },
    });
  });

  it("counts transfers, transferFroms and approvals against the token's rolling 24-hour cap", async () => {
    // 1.5 USDT was signed above; the cap is 8 USDT.
    expect((await usdt(approve(payee, 4_000_000n))).status).toBe(200);
    expect(
      (await usdt(tokenCall("transferFrom(address,address,uint256)", [payee, TEST_ADDRESS, 2_500_000n])))
        .status,
    ).toBe(200);
    await refused(usdt(transfer(payee, 1n)), "token_per_24h_cap");
    // Other tokens and TRX have windows of their own.
    expect((await w.signTx(triggerHex({ contract: TOK, data: transfer(payee, 10n) }))).status).toBe(200);
    expect((await w.signTx(transferHex({ amountSun: 1 }))).status).toBe(200);
    // An approval of 0 (revoking) spends nothing and still signs.
    expect((await usdt(approve(attacker, 0n))).status).toBe(200);
  });

  it("refuses call data that is not strict ABI: wrong length, dirty address padding", async () => {
    const good = transfer(payee, 1n);
    await refused(usdt(`${good}00`), "calldata_malformed");
    await refused(usdt(good.slice(0, -2)), "calldata_malformed");
    // TRON's 0x41 prefix inside the padding: some decoders drop it, others read another address.
    await refused(usdt(`${good.slice(0, 8)}${"00".repeat(11)}41${good.slice(32)}`), "calldata_malformed");
    await refused(usdt(`${good.slice(0, 8)}ff${good.slice(10)}`), "calldata_malformed");
  });

  it("refuses unknown selectors unless allowed for that token, and methods the token does not allow", async () => {
    await refused(usdt("12345678"), "selector_not_allowed");
    await refused(usdt(""), "calldata_malformed");
    const balanceOf = await usdt(
      BALANCE_OF + tokenCall("transfer(address,uint256)", [payee, 0n]).slice(8, 72),
    );
    expect(balanceOf.status).toBe(200);
    await refused(w.signTx(triggerHex({ contract: TOK, data: approve(payee, 1n) })), "method_not_allowed");
  });

  it("keeps TRX caps for TRX sent along with a token call", async () => {
    await refused(usdt(transfer(payee, 0n), 5_000_001), "per_transaction_cap");
  });

  it("signs calls to other allowlisted contracts blindly, but never TRC-20 calls to them", async () => {
    await refused(
      w.signTx(triggerHex({ contract: OPAQUE, data: transfer(attacker, MAX) })),
      "token_not_configured",
    );
    await refused(
      w.signTx(triggerHex({ contract: OPAQUE, data: approve(attacker, 1n) })),
      "token_not_configured",
    );
    expect((await w.signTx(triggerHex({ contract: OPAQUE, data: "deadbeef" }))).status).toBe(200);
    await refused(
      w.signTx(triggerHex({ contract: newWallet().address, data: "deadbeef" })),
      "contract_not_allowed",
    );
  });

  it("reserves atomically: of two concurrent transfers that together cross the window, one is signed", async () => {
    // TOK: 10 of its 20 per 24 hours were signed above.
    const both = await Promise.all(
      [payee, attacker].map((to) => w.signTx(triggerHex({ contract: TOK, data: transfer(to, 10n) }))),
    );
    expect(both.map((r) => r.body.reason ?? r.status).sort()).toEqual([200, "token_per_24h_cap"].sort());
  });
});
