import { ProblemError } from "@tron-auth/client";

/** A failure said so a person knows what happened and what to do next. */
export type Explanation = { text: string; retryAfter?: number };

const wait = (seconds: number | undefined) =>
  seconds === undefined ? "a moment" : seconds < 90 ? `${seconds} s` : `${Math.ceil(seconds / 60)} min`;

/** The server's refusals and network failures, by stable problem code. */
export function explainProblem(error: unknown): Explanation {
  if (!(error instanceof ProblemError))
    return { text: "Something went wrong. Reload the page and try again." };
  const retry = error.retryAfter === undefined ? {} : { retryAfter: error.retryAfter };
  switch (error.code) {
    case "rate_limited":
      return { text: `Too many attempts. Try again in ${wait(error.retryAfter)}.`, ...retry };
    case "login_blocked":
      return {
        text: `Too many failed sign-ins from this network. Try again in ${wait(error.retryAfter)}.`,
        ...retry,
      };
    case "account_locked":
      return { text: "This account is locked. Ask an administrator to unlock it." };
    case "account_disabled":
      return { text: "This account is disabled. Ask an administrator." };
    case "bridge_unavailable":
    case "service_unavailable":
      return {
        text: `The sign-in service is unavailable. Try again in ${wait(error.retryAfter)}.`,
        ...retry,
      };
    case "nonce_invalid":
    case "siwt_expired":
      return {
        text: "The sign-in message expired before it was signed. Press Get a new message to sign a fresh one.",
      };
    case "login_failed":
      return {
        text: "The signature was not accepted. Check that the wallet's account is the one shown, then try again.",
      };
    case "session_revoked":
    case "refresh_token_reused":
    case "invalid_token":
    case "unauthorized":
      return { text: "Your session has ended. Sign in again." };
    case "forbidden":
      return { text: "Your role does not allow this." };
    case "network_error":
      return { text: "The service cannot be reached. Check your connection and try again." };
    default:
      return { text: error.detail ?? error.message };
  }
}
