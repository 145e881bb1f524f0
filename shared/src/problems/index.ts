export * from "./catalog.ts";
export * from "./parse.ts";
export * from "./problem.ts";
