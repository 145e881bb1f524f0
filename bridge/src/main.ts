import { errorCode } from "@tron-auth/shared/problems";
import { ConfigError, loadBridgeConfig } from "./config/load.ts";
import { createLogger } from "./log.ts";
import { startBridge } from "./runtime/start.ts";

/**
 * The daemon: validate the environment, start, then live by signals. SIGTERM drains and exits 0;
 * SIGHUP reloads certificates. A bad configuration exits 78 (EX_CONFIG) with every problem listed,
 * so a restart loop is visibly a configuration problem.
 */
async function main(): Promise<void> {
  let config: ReturnType<typeof loadBridgeConfig>;
  try {
    config = loadBridgeConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(78);
  }
  const log = createLogger({ level: config.LOG_LEVEL });
  const started = performance.now();
  const bridge = await startBridge(config, log);
  log.info(
    { url: bridge.url, health: bridge.healthUrl, startMs: Math.round(performance.now() - started) },
    "bridge ready",
  );

  let stopping = false;
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGHUP", () => {
    bridge.reloadTls().then(
      () => log.info("certificates reloaded"),
      (error: unknown) => log.error({ err: error }, "certificate reload failed; keeping the old ones"),
    );
  });

  function shutdown(signal: string): void {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "draining");
    bridge.stop().then(
      () => {
        log.info("stopped");
        process.exit(0);
      },
      (error: unknown) => {
        log.error({ err: error }, "unclean stop");
        process.exit(1);
      },
    );
  }
}

main().catch((error: unknown) => {
  // Start-up failures (unreadable certificate, database unreachable) are operator problems: say which.
  process.stderr.write(`bridge failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  // A driver configured without its module is a configuration problem, not a crash to retry. By
  // code, so that a bridge without a wallet never loads the Ledger libraries just to compare.
  process.exit(errorCode(error) === "ledger_usb_unavailable" ? 78 : 1);
});
