import { isProblemCode, type ProblemCode } from "@tron-auth/shared/problems";

/** Codes the client adds for failures that never reached a problem document. */
export type ClientFailureCode = "network_error" | "unexpected_response";
export type ClientErrorCode = ProblemCode | ClientFailureCode;

/**
 * Every failure of a call, as the server's RFC 9457 problem (stable `code`, `status`,
 * `retryAfter` in seconds when the server said when to come back) or a client-side failure.
 */
export class ProblemError extends Error {
  override readonly name = "ProblemError";
  readonly code: ClientErrorCode;
  readonly status: number;
  readonly retryAfter: number | undefined;
  readonly detail: string | undefined;
  readonly requestId: string | undefined;

  constructor(init: {
    code: ClientErrorCode;
    status: number;
    title: string;
    retryAfter?: number | undefined;
    detail?: string | undefined;
    requestId?: string | undefined;
  }) {
    super(init.detail ? `${init.title}: ${init.detail}` : init.title);
    this.code = init.code;
    this.status = init.status;
    this.retryAfter = init.retryAfter;
    this.detail = init.detail;
    this.requestId = init.requestId;
  }
}

const text = (v: unknown) => (typeof v === "string" ? v : undefined);

/** Seconds from a Retry-After header (delta-seconds or an HTTP date), else from the body. */
function retryAfterOf(res: Response, body: Record<string, unknown>): number | undefined {
  const header = res.headers.get("retry-after");
  if (header && /^\d+$/.test(header)) return Number(header);
  if (header) {
    const at = Date.parse(header);
    if (!Number.isNaN(at)) return Math.max(0, Math.ceil((at - Date.now()) / 1000));
  }
  return typeof body.retryAfter === "number" ? body.retryAfter : undefined;
}

/** The problem a non-2xx response carries; a body that is not one becomes `unexpected_response`. */
export async function problemFrom(res: Response): Promise<ProblemError> {
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = await res.json();
    if (parsed && typeof parsed === "object") body = parsed as Record<string, unknown>;
  } catch {
    // Not JSON (a proxy's error page): still a typed failure, with the status it came with.
  }
  const code = text(body.code);
  return new ProblemError({
    code: code && isProblemCode(code) ? code : "unexpected_response",
    status: res.status,
    title: text(body.title) ?? `HTTP ${res.status}`,
    retryAfter: retryAfterOf(res, body),
    detail: text(body.detail),
    requestId: text(body.requestId),
  });
}

export function networkError(cause: unknown): ProblemError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new ProblemError({ code: "network_error", status: 0, title: "Network error", detail });
}
