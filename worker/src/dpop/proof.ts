import {
  DPOP_ALGORITHMS,
  DPOP_PROOF_MAX_AGE_SECONDS,
  DPOP_PROOF_MAX_SKEW_SECONDS,
  DPOP_PROOF_TYP,
  type DpopProofClaims,
  dpopProofClaimsSchema,
  normalizeHtu,
} from "@tron-auth/shared/dpop";
import { AppError } from "@tron-auth/shared/problems";
import { base64url, calculateJwkThumbprint, importJWK, type JWK } from "jose";

/** A proof longer than this is refused unread: a P-256 or Ed25519 proof is well under 1 KiB. */
const MAX_PROOF_LENGTH = 2048;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export type ProofExpectation = {
  /** The request's method and URL, as the worker received them. */
  method: string;
  url: string;
  /** The access token the proof must go with (its `ath`); absent at sign-in and refresh. */
  accessToken?: string;
  now: Date;
};

/** A proof whose signature, shape and binding to this request checked out; freshness is the caller's. */
export type VerifiedProof = { jkt: string; claims: DpopProofClaims };

export function invalidProof(detail: string): AppError {
  return new AppError("invalid_dpop_proof", detail);
}

/** A proof's protected header, checked and imported once per distinct header in this isolate. */
type ProofKey = { jkt: string; key: CryptoKey; verify: VerifyParams };

/** WebCrypto's verification parameters per allowed JWS algorithm (ES256 signatures are r || s). */
type VerifyParams = { name: string; hash?: string };
const VERIFY_PARAMS: Record<string, VerifyParams> = {
  ES256: { name: "ECDSA", hash: "SHA-256" },
  EdDSA: { name: "Ed25519" },
};

const MAX_KEYS = 5_000;
const MAX_ATHS = 5_000;
const keysByHeader = new Map<string, Promise<ProofKey>>();
const athByToken = new Map<string, Promise<string>>();

/**
 * Everything RFC 9449 section 4.3 asks of a proof except the `jti` and nonce, which depend on state
 * (see request-proof.ts): one JWS with `typ` dpop+jwt, an allowed algorithm, a public key in its
 * header and no private part, a signature by that key, `htm`/`htu` naming this request, `iat`
 * within the window, and `ath` equal to the hash of the access token it goes with.
 *
 * A client signs every proof of a session with one key under the same protected header, so the
 * header's checks, the key's import and its thumbprint are done once per header (the encoded
 * header is the cache key: the same bytes are the same key); the signature is checked every time.
 */
export async function verifyProof(value: string, expect: ProofExpectation): Promise<VerifiedProof> {
  if (value.length > MAX_PROOF_LENGTH || !COMPACT_JWS.test(value))
    throw invalidProof("The DPoP header must be one compact JWS.");
  const [header = "", payload = "", signature = ""] = value.split(".");
  const proofKey = await keyOf(header);
  // The signature over the first two segments, straight through WebCrypto with the key jose
  // imported: this runs on every request, and jose's compactVerify would decode and check the
  // header again each time, which keyOf has already done once for these exact bytes.
  const valid = await crypto.subtle.verify(
    proofKey.verify,
    proofKey.key,
    decoded(signature),
    new TextEncoder().encode(`${header}.${payload}`),
  );
  if (!valid) throw invalidProof("The DPoP proof's signature is not valid.");
  const parsed = dpopProofClaimsSchema.safeParse(jsonOf(new TextDecoder().decode(decoded(payload))));
  if (!parsed.success) throw invalidProof("The DPoP proof's claims are malformed.");
  const claims = parsed.data;
  checkRequest(claims, expect);
  await checkAth(claims, expect.accessToken);
  return { jkt: proofKey.jkt, claims };
}

function keyOf(encodedHeader: string): Promise<ProofKey> {
  const cached = keysByHeader.get(encodedHeader);
  if (cached) return cached;
  const imported = importHeader(encodedHeader);
  // Only headers that check out are remembered; a refused one is decided again (and refused).
  imported.then(
    () => remember(keysByHeader, encodedHeader, imported, MAX_KEYS),
    () => undefined,
  );
  return imported;
}

async function importHeader(encodedHeader: string): Promise<ProofKey> {
  const header = jsonOf(new TextDecoder().decode(decoded(encodedHeader))) as
    | Record<string, unknown>
    | undefined;
  if (typeof header !== "object" || header === null)
    throw invalidProof("The DPoP proof's header is malformed.");
  if (header.typ !== DPOP_PROOF_TYP) throw invalidProof(`The DPoP proof's typ must be ${DPOP_PROOF_TYP}.`);
  const alg = header.alg;
  if (typeof alg !== "string" || !(DPOP_ALGORITHMS as readonly string[]).includes(alg))
    throw invalidProof(`The DPoP proof must be signed with ${DPOP_ALGORITHMS.join(" or ")}.`);
  if ("crit" in header) throw invalidProof("The DPoP proof's header must not carry crit.");
  const jwk = header.jwk as JWK | undefined;
  if (typeof jwk !== "object" || jwk === null)
    throw invalidProof("The DPoP proof's header must carry its jwk.");
  // A header that carries a private (or symmetric) part leaked it: never a proof.
  if ("d" in jwk || "p" in jwk || "k" in jwk)
    throw invalidProof("The DPoP proof's key must be a public key.");
  try {
    const key = await importJWK(jwk, alg);
    const verify = VERIFY_PARAMS[alg];
    if (!(key instanceof CryptoKey) || key.type !== "public" || !verify)
      throw new TypeError("not a public key");
    return { jkt: await calculateJwkThumbprint(jwk, "sha256"), key, verify };
  } catch {
    throw invalidProof("The DPoP proof's jwk is not a key for its algorithm.");
  }
}

function decoded(segment: string): Uint8Array {
  try {
    return base64url.decode(segment);
  } catch {
    throw invalidProof("The DPoP proof is not base64url.");
  }
}

function jsonOf(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A bounded, insertion-ordered memo: the oldest entry goes first. */
function remember<T>(map: Map<string, T>, key: string, value: T, max: number): void {
  if (map.size >= max) {
    const oldest = map.keys().next().value;
    if (oldest !== undefined) map.delete(oldest);
  }
  map.set(key, value);
}

function checkRequest(claims: DpopProofClaims, expect: ProofExpectation): void {
  if (claims.htm !== expect.method.toUpperCase())
    throw invalidProof("The DPoP proof is for another HTTP method.");
  const htu = normalizeHtu(claims.htu);
  if (htu === undefined || htu !== normalizeHtu(expect.url))
    throw invalidProof("The DPoP proof is for another URL.");
  const age = expect.now.getTime() / 1000 - claims.iat;
  if (age > DPOP_PROOF_MAX_AGE_SECONDS) throw invalidProof("The DPoP proof is too old.");
  if (age < -DPOP_PROOF_MAX_SKEW_SECONDS) throw invalidProof("The DPoP proof is dated in the future.");
}

async function checkAth(claims: DpopProofClaims, accessToken: string | undefined): Promise<void> {
  if (accessToken === undefined) {
    if (claims.ath !== undefined) throw invalidProof("This DPoP proof must not carry ath.");
    return;
  }
  if (claims.ath === undefined || claims.ath !== (await cachedAth(accessToken)))
    throw invalidProof("The DPoP proof is for another access token.");
}

/** A client sends one access token with many proofs: its hash is computed once per token. */
function cachedAth(accessToken: string): Promise<string> {
  const cached = athByToken.get(accessToken);
  if (cached) return cached;
  const hash = accessTokenHash(accessToken);
  remember(athByToken, accessToken, hash, MAX_ATHS);
  return hash;
}

/** `ath`: base64url(SHA-256(the ASCII access token)). */
export async function accessTokenHash(accessToken: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(accessToken));
  return base64url.encode(new Uint8Array(digest));
}
