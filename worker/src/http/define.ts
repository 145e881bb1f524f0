import type { Handler, Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { guardsFor } from "./guards.ts";
import { defineRoute, type RouteSpec } from "./routes.ts";

/** What each route module receives: registers one route with its guards on the app. */
export type Define = (spec: RouteSpec, handler: Handler<AppEnv>) => void;

export function definer(app: Hono<AppEnv>): Define {
  return (spec, handler) => defineRoute(app, guardsFor, spec, handler);
}
