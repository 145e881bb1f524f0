export * from "./address.ts";
export * from "./detect.ts";
export * from "./errors.ts";
export * from "./message.ts";
export * from "./nonce.ts";
export * from "./rfc3339.ts";
export * from "./validate.ts";
