export * from "./constants.ts";
export * from "./htu.ts";
export * from "./proof-claims.ts";
