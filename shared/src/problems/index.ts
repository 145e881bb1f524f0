export * from "./bounded-body.ts";
export * from "./catalog.ts";
export * from "./error-code.ts";
export * from "./parse.ts";
export * from "./problem.ts";
