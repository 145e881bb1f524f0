export * from "./grants.ts";
export * from "./permissions.ts";
export * from "./roles.ts";
