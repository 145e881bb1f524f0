import { z } from "zod";

const arg = z.union([z.string(), z.number(), z.boolean()]).transform(String);
export const commandSchema = z.array(arg).min(1, "a command needs at least its name").max(100_000);
export const pipelineSchema = z
  .array(commandSchema)
  .min(1, "a pipeline needs at least one command")
  .max(10_000);

export type Command = z.infer<typeof commandSchema>;

/**
 * Commands that would hold, reconfigure or take down the shared connection or the server. This is
 * a development and Pi component, not a Redis admin console.
 */
const REFUSED = new Set([
  "SHUTDOWN",
  "DEBUG",
  "CONFIG",
  "MONITOR",
  "SUBSCRIBE",
  "PSUBSCRIBE",
  "SSUBSCRIBE",
  "UNSUBSCRIBE",
  "SYNC",
  "PSYNC",
  "REPLICAOF",
  "SLAVEOF",
  "MIGRATE",
  "MODULE",
  "ACL",
  "CLIENT",
  "SELECT",
  "QUIT",
  "MULTI",
  "EXEC",
  "DISCARD",
  "WATCH",
  "UNWATCH",
  "BLPOP",
  "BRPOP",
  "BLMOVE",
  "BRPOPLPUSH",
  "BZPOPMIN",
  "BZPOPMAX",
  "BLMPOP",
  "BZMPOP",
  "WAIT",
  "FAILOVER",
  "CLUSTER",
]);

export function refusal(command: Command): string | undefined {
  const name = (command[0] ?? "").toUpperCase();
  if (REFUSED.has(name)) return `ERR command ${name} is not available through the REST API`;
  if ((name === "XREAD" || name === "XREADGROUP") && command.some((a) => a.toUpperCase() === "BLOCK")) {
    return "ERR blocking reads are not available through the REST API";
  }
  return undefined;
}
