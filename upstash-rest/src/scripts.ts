import { createHash } from "node:crypto";
import type { Command } from "./protocol.ts";

const sha1 = (s: string) => createHash("sha1").update(s).digest("hex");

/**
 * @upstash/ratelimit >= 2.1 starts its scripts with `#!lua flags=allow-key-locking`, a flag only
 * Upstash knows; stock Redis refuses the script. We drop the shebang line and remember which SHA1
 * the client computed (of the original text) for the script Redis actually holds.
 */
export class ScriptMap {
  readonly #toServer = new Map<string, string>();

  rewrite(script: string): { script: string; originalSha: string } {
    const originalSha = sha1(script);
    const rewritten = script.startsWith("#!lua") ? script.slice(script.indexOf("\n") + 1) : script;
    this.#toServer.set(originalSha, sha1(rewritten));
    return { script: rewritten, originalSha };
  }

  serverSha(clientSha: string): string {
    return this.#toServer.get(clientSha.toLowerCase()) ?? clientSha;
  }

  /** The command as Redis must see it. */
  translate(command: Command): Command {
    const [name = "", ...args] = command;
    const upper = name.toUpperCase();
    if ((upper === "EVAL" || upper === "EVAL_RO") && args[0] !== undefined) {
      return [name, this.rewrite(args[0]).script, ...args.slice(1)];
    }
    if ((upper === "EVALSHA" || upper === "EVALSHA_RO") && args[0] !== undefined) {
      return [name, this.serverSha(args[0]), ...args.slice(1)];
    }
    if (upper === "SCRIPT" && args[0]?.toUpperCase() === "LOAD" && args[1] !== undefined) {
      return [name, "LOAD", this.rewrite(args[1]).script];
    }
    if (upper === "SCRIPT" && args[0]?.toUpperCase() === "EXISTS") {
      return [name, "EXISTS", ...args.slice(1).map((s) => this.serverSha(s))];
    }
    return command;
  }

  /** SCRIPT LOAD answers with the SHA1 the client expects (of the text it sent). */
  translateReply(command: Command, reply: unknown): unknown {
    const [name = "", sub = "", script] = command;
    if (name.toUpperCase() === "SCRIPT" && sub.toUpperCase() === "LOAD" && script !== undefined)
      return sha1(script);
    return reply;
  }
}
