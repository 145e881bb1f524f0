import { z } from "zod";
import { isProblemCode, PROBLEMS, type ProblemCode } from "./catalog.ts";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";
/** Each code's documentation lives at this base + code. */
export const PROBLEM_TYPE_BASE = "https://errors.tron-auth.dev/";

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int().min(400).max(599),
    code: z.string().regex(/^[a-z][a-z0-9_]*$/),
    detail: z.string().optional(),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    retryAfter: z.number().int().nonnegative().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .loose();

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

/** Thrown anywhere; one error handler per app renders `problem` as application/problem+json. */
export class AppError extends Error {
  readonly problem: Problem;

  constructor(
    code: string,
    detail?: string,
    extensions: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(detail ?? code, options);
    this.name = "AppError";
    this.problem = problem(code, { ...extensions, detail });
  }
}
