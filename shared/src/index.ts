export * from "./auth/index.ts";
export * from "./keys/signing-key.ts";
export * from "./problems/index.ts";
export * from "./protocol/index.ts";
export * from "./siwt/index.ts";
