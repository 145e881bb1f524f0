export type { ChallengeResponse, Me, SessionInfo, TokenPair } from "@tron-auth/shared/protocol";
export { type AuthClient, type AuthClientOptions, createAuthClient, type Signer } from "./auth-client.ts";
export {
  type DpopKey,
  type DpopKeyStore,
  indexedDbKeyStore,
  memoryKeyStore,
  newDpopKey,
} from "./dpop-keys.ts";
export { createDpopProof, type ProofTarget } from "./dpop-proof.ts";
export { type ClientErrorCode, ProblemError, problemFrom } from "./problem-error.ts";
export type { LockManagerLike } from "./single-flight.ts";
export { memoryStore, type StoredSession, type TokenStore, webStorageStore } from "./token-store.ts";
