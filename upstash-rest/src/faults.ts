import { z } from "zod";
import type { Command } from "./protocol.ts";

/**
 * Test-only fault injection (off unless the server is started with `faults: true`): the next
 * `times` commands whose text includes every string of `match` (ignoring case) fail as if Redis had answered an
 * error, or are held until released. Tests use it to make one step of a flow fail, or to stop a
 * flow between two steps, with the real clients and the real code on both sides.
 */
export const faultRuleSchema = z.strictObject({
  match: z.array(z.string().min(1)).min(1).max(8),
  times: z.number().int().min(1).max(100).default(1),
  mode: z.enum(["fail", "hold"]).default("fail"),
});
export type FaultRule = z.infer<typeof faultRuleSchema>;

export const INJECTED_ERROR = "ERR injected fault";

export class Faults {
  readonly #rules: { rule: FaultRule; left: number }[] = [];
  readonly #held: (() => void)[] = [];

  arm(rule: FaultRule): void {
    this.#rules.push({ rule, left: rule.times });
  }

  /** Lets every held command run, and disarms what is left. */
  release(): void {
    this.#rules.length = 0;
    for (const resume of this.#held.splice(0)) resume();
  }

  state(): { armed: number; held: number } {
    return { armed: this.#rules.filter((r) => r.left > 0).length, held: this.#held.length };
  }

  /** Resolves to an error to answer instead of running `command`, after any hold. */
  async apply(command: Command): Promise<string | undefined> {
    // Case-insensitive: clients send command names in either case.
    const text = command.join(" ").toLowerCase();
    const hit = this.#rules.find(
      (r) => r.left > 0 && r.rule.match.every((m) => text.includes(m.toLowerCase())),
    );
    if (!hit) return undefined;
    hit.left--;
    if (hit.rule.mode === "fail") return INJECTED_ERROR;
    await new Promise<void>((resume) => this.#held.push(resume));
    return undefined;
  }
}
