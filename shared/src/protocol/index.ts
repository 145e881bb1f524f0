export * from "./audit-event.ts";
export * from "./audit-query.ts";
export * from "./bridge-api.ts";
export * from "./internal-assertion.ts";
export * from "./lockdown.ts";
export * from "./public-api.ts";
export * from "./signed-message.ts";
export * from "./wallet-api.ts";
