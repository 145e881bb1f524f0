// npm run keys -- <command>: the worker's Ed25519 signing keys as a JWK set (the JWT_SIGNING_KEYS
// secret). The first key signs; the others only verify, which is how rotation overlaps. Also the
// session-record MAC key list (SESSION_MAC_KEY), which rotates the same way.
import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { newSigningKey } from "@tron-auth/shared/keys";
import type { JWK } from "jose";

const USAGE = `usage:
  npm run keys -- generate                     a new set with one key (paste into: wrangler secret put JWT_SIGNING_KEYS)
  npm run keys -- rotate --current <file>      a new key first, then the current ones (keep only N of them with --keep N)
  npm run keys -- prune --current <file> --keep N   the first N keys (retire the old ones once their tokens expired)
  npm run keys -- public --current <file>      the public set (what /.well-known/jwks.json serves; the bridge's WORKER_JWKS)
  npm run keys -- session-mac [--current <list>]   a new 256-bit session MAC key, in front of the current comma-separated list (SESSION_MAC_KEY)`;

type KeySet = { keys: JWK[] };

/** A kid that says when the key was made, so a set shows its rotation order at a glance. */
const newKey = () => newSigningKey(`${new Date().toISOString().slice(0, 10)}-${randomUUID().slice(0, 8)}`);

function readSet(path: string | undefined): KeySet {
  if (!path) fail("--current <file> is required");
  const parsed = JSON.parse(readFileSync(path, "utf8")) as KeySet | JWK[];
  const keys = Array.isArray(parsed) ? parsed : parsed.keys;
  if (!Array.isArray(keys) || keys.length === 0) fail(`${path} holds no keys`);
  return { keys };
}

function fail(message: string): never {
  console.error(`keys: ${message}\n${USAGE}`);
  process.exit(2);
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { current: { type: "string" }, keep: { type: "string" } },
  });
  const command = positionals[0];
  if (command === "generate") {
    console.log(JSON.stringify({ keys: [await newKey()] }));
  } else if (command === "rotate") {
    const keep = values.keep ? Number(values.keep) : Number.POSITIVE_INFINITY;
    if (!(keep >= 1)) fail("--keep must be a number >= 1");
    const current = readSet(values.current);
    console.log(JSON.stringify({ keys: [await newKey(), ...current.keys.slice(0, keep)] }));
  } else if (command === "prune") {
    const keep = Number(values.keep);
    if (!(keep >= 1)) fail("--keep must be a number >= 1");
    console.log(JSON.stringify({ keys: readSet(values.current).keys.slice(0, keep) }));
  } else if (command === "session-mac") {
    const current = (values.current ?? "").split(",").filter(Boolean);
    console.log([randomBytes(32).toString("base64url"), ...current].join(","));
  } else if (command === "public") {
    const { keys } = readSet(values.current);
    console.log(
      JSON.stringify({
        keys: keys.map(({ kty, crv, x, kid, alg, use }) => ({ kty, crv, x, kid, alg, use })),
      }),
    );
  } else {
    fail(command ? `unknown command ${command}` : "a command is required");
  }
}

await main();
