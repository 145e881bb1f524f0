export * from "./certificates.ts";
