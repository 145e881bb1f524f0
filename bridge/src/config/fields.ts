import { isTronAddress } from "@tron-auth/shared/siwt";
import { z } from "zod";

/** An environment value holding JSON: parsed here so the schema after it sees the structure. */
export const jsonText = z.string().transform((s, ctx) => {
  try {
    return JSON.parse(s) as unknown;
  } catch {
    ctx.addIssue({ code: "custom", message: "not valid JSON" });
    return z.NEVER;
  }
});

export const tronAddress = z.string().refine(isTronAddress, "not a valid TRON address");
