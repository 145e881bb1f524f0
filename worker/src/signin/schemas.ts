/** Sign-in request and response bodies: defined in shared/ so the client library types its calls with them. */
export { challengeRequest, challengeResponse, loginRequest } from "@tron-auth/shared/protocol";
