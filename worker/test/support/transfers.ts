import { ctx } from "./edge.ts";

/** A TRX transfer from the test device's address, built by the stack's wallet service (tronweb). */
export const transfer = async (amountSun: number) =>
  (
    await (
      await fetch(`${ctx.walletUrl}/build/transfer`, { method: "POST", body: JSON.stringify({ amountSun }) })
    ).json<{ rawDataHex: string }>()
  ).rawDataHex;
