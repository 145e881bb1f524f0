import { type Logger, pino } from "pino";

/**
 * Paths pino removes before a line is written. Tokens, signatures, keys and cookies never reach
 * the log, wherever a caller happened to put them.
 */
export const REDACTED_PATHS = [
  "authorization",
  "*.authorization",
  "headers.authorization",
  "req.headers.authorization",
  "req.headers.cookie",
  "token",
  "*.token",
  "assertion",
  "*.assertion",
  "signature",
  "*.signature",
  "privateKey",
  "*.privateKey",
  "refreshToken",
  "*.refreshToken",
  "accessToken",
  "*.accessToken",
  "mnemonic",
  "*.mnemonic",
];

export type LogOptions = { level: string; destination?: pino.DestinationStream };

export function createLogger(options: LogOptions): Logger {
  const base = { service: "auth-bridge" };
  const config = {
    level: options.level,
    base,
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    formatters: { level: (label: string) => ({ level: label }) },
  };
  return options.destination ? pino(config, options.destination) : pino(config);
}
