/**
 * `npm run audit:verify` (and, in the image, `node bridge/dist/daemon/audit-verify.js` inside the
 * bridge's container): verifies the audit log's keyed hash chain with the bridge's own settings
 * (MONGODB_URI, MONGODB_DB, AUDIT_CHAIN_KEY_FILE, read from the environment like the daemon's).
 * Prints one line, OK with the counts or the first bad sequence number and its kind, then the
 * report as JSON. Exit 0 when the chain verifies, 1 when it does not, 78 on a bad configuration,
 * 2 when it could not be checked (database unreachable, key unreadable).
 */
import type { AuditChainReport } from "@tron-auth/shared/protocol";
import { readChainKey } from "./audit/chain-key.ts";
import { AuditStore } from "./audit/store.ts";
import { bridgeEnvSchema } from "./config/schema.ts";
import { connectDatabase } from "./db/mongo.ts";

const settingsSchema = bridgeEnvSchema.pick({
  MONGODB_URI: true,
  MONGODB_DB: true,
  AUDIT_CHAIN_KEY_FILE: true,
  AUDIT_RETENTION_DAYS: true,
});

function summary(report: AuditChainReport): string {
  const { failure } = report;
  if (!failure) {
    const from = report.checkpoint ? `after the checkpoint at ${report.checkpoint.seq}` : "from the start";
    const head = report.head ? `head ${report.head.seq} ${report.head.link}` : "no head yet";
    return `OK: ${report.checked} linked events verified ${from}; ${report.unlinked} from before the chain; ${head}`;
  }
  const where = failure.seq === null ? "an event outside the chain" : `sequence ${failure.seq}`;
  const id = failure.eventId ? ` (event ${failure.eventId})` : "";
  return `FAILED at ${where}: ${failure.kind}${id}: ${failure.detail}`;
}

const parsed = settingsSchema.safeParse(
  Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== undefined && v !== "")),
);
if (!parsed.success) {
  // Names only: values may hold credentials (a MongoDB URI with a password).
  const names = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n  ");
  process.stderr.write(`audit:verify needs the bridge's settings:\n  ${names}\n`);
  process.exit(78);
}
const settings = parsed.data;

try {
  const key = await readChainKey(settings.AUDIT_CHAIN_KEY_FILE);
  const database = await connectDatabase(settings.MONGODB_URI, settings.MONGODB_DB);
  try {
    const report = await new AuditStore(database.db, settings.AUDIT_RETENTION_DAYS, key).verify();
    process.stdout.write(`${summary(report)}\n${JSON.stringify(report)}\n`);
    process.exitCode = report.ok ? 0 : 1;
  } finally {
    await database.close();
  }
} catch (error) {
  process.stderr.write(
    `audit:verify could not check: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exitCode = 2;
}
