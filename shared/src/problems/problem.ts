import * as z from "zod/mini";
import { isProblemCode, PROBLEMS, type ProblemCode } from "./catalog.ts";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";
/** Each code's documentation lives at this base + code. */
export const PROBLEM_TYPE_BASE = "https://errors.tron-auth.dev/";

export const problemSchema = z.looseObject({
  type: z.string(),
  title: z.string(),
  status: z.int().check(z.minimum(400), z.maximum(599)),
  code: z.string().check(z.regex(/^[a-z][a-z0-9_]*$/)),
  detail: z.optional(z.string()),
  instance: z.optional(z.string()),
  requestId: z.optional(z.string()),
  retryAfter: z.optional(z.int().check(z.nonnegative())),
  errors: z.optional(z.array(z.object({ path: z.string(), message: z.string() }))),
});
export type Problem = z.infer<typeof problemSchema>;

export function problem(
  code: string,
  extras: { detail?: string | undefined } & Record<string, unknown> = {},
): Problem {
  // An unknown code (e.g. relayed from a newer bridge) keeps its name but is served as a 500-class error.
  const known: ProblemCode = isProblemCode(code) ? code : "internal_error";
  const { status, title } = PROBLEMS[known];
  const { detail, ...extensions } = extras;
  return {
    ...extensions,
    type: `${PROBLEM_TYPE_BASE}${code}`,
    title,
    status,
    code,
    ...(detail === undefined ? {} : { detail }),
  };
}

/**
 * Thrown anywhere; one error handler per app renders `problem` as application/problem+json. The
 * code must be one of the catalog's, so every error a caller can see has a documented status and
 * title (as jose's errors carry codes from a closed set).
 */
export class AppError extends Error {
  readonly problem: Problem;

  constructor(
    code: ProblemCode,
    detail?: string,
    extensions: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(detail ?? code, options);
    this.name = "AppError";
    this.problem = problem(code, { ...extensions, detail });
  }
}
