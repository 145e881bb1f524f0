import { AppError } from "@tron-auth/shared/problems";

/**
 * A secret binding parsed once per isolate (key imports are not free). A failed parse is not
 * remembered, so a corrected secret is read on the next request; errors name the setting, never
 * its value.
 */
export function parsedOnce<T>(name: string, build: (secret: string) => Promise<T>) {
  let cached: { secret: string; value: Promise<T> } | undefined;
  return (secret: string | undefined): Promise<T> => {
    if (!secret) return Promise.reject(misconfigured(`${name} is not set`));
    if (cached?.secret !== secret) {
      const value = build(secret);
      cached = { secret, value };
      value.catch(() => {
        if (cached?.value === value) cached = undefined;
      });
    }
    return cached.value;
  };
}

export function misconfigured(detail: string): AppError {
  return new AppError("service_unavailable", `The worker is misconfigured: ${detail}.`);
}
