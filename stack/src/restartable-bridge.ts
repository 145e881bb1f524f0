import type { BridgeConfig } from "@tron-auth/bridge/config-schema";
import { createLogger } from "@tron-auth/bridge/log";
import { type RunningBridge, startBridge } from "@tron-auth/bridge/runtime";

export type RestartableBridge = {
  /** host:port of the mTLS listener; the same after a restart, so the worker's binding holds. */
  address: string;
  port: number;
  url: string;
  healthUrl: string;
  /** The bridge while it runs (tests steer its software wallet through it). */
  running(): RunningBridge | undefined;
  /** Brings a stopped bridge back on the same port and database; nothing if it runs. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Restarts with these settings changed (tests switch the software device this way). */
  use(overrides: Partial<BridgeConfig>): Promise<void>;
};

/**
 * The bridge in this process, stoppable and startable again, so tests can show what the worker
 * does while the Pi is away. `config.BRIDGE_PORT` must be a fixed port for that.
 */
export async function startRestartableBridge(config: BridgeConfig): Promise<RestartableBridge> {
  if (config.BRIDGE_PORT === 0) throw new Error("a restartable bridge needs a fixed BRIDGE_PORT");
  let current = config;
  const launch = () => startBridge(current, createLogger({ level: current.LOG_LEVEL }));
  let bridge: RunningBridge | undefined = await launch();
  return {
    address: `${config.BRIDGE_HOST}:${config.BRIDGE_PORT}`,
    port: config.BRIDGE_PORT,
    url: bridge.url,
    healthUrl: bridge.healthUrl,
    running: () => bridge,
    start: async () => {
      bridge ??= await launch();
    },
    stop: async () => {
      const running = bridge;
      bridge = undefined;
      await running?.stop();
    },
    use: async (overrides) => {
      const running = bridge;
      bridge = undefined;
      await running?.stop();
      current = { ...config, ...overrides };
      bridge = await launch();
    },
  };
}
