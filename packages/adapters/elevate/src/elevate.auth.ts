/**
 * How Elevate credentials become a principal. `POST /authenticate` (in
 * `authentication.endpoints.ts`) signs a JWT with `signElevateToken`: HS256, `sub` = the user's
 * id, issuer `paybridge`, audience `elevate`, valid 15 minutes, keyed by `ElevateTokenSettings`
 * (`ELEVATE_JWT_SECRET`, provided by `apps/api`; a random per-process key without it).
 * `elevateBearer` is the dialect's authentication: it verifies the `Authorization: Bearer` token
 * on every other call and asks the Authenticator for the user's current principal (`principalOf`,
 * whose short-lived principal cache is emptied by a revocation in this process), so a changed role
 * or customer scope applies as it does for every other credential; a wrong, tampered, expired or
 * foreign token is 401. A token's signature check (HMAC) is remembered like a verified API key
 * (issue 14): keyed by the exact token string and the key that verified it, bounded (the oldest
 * entry goes first), reused only while the token's own `exp` (and `nbf`) still admit it at the
 * settings' clock, so an expired token is refused exactly as before; failures are never remembered.
 */
import { randomBytes } from "node:crypto"
import { authorizationHeader } from "@paybridge/adapter-kit"
import { Authenticator, type Principal, rememberVerified, Unauthorized, UserId } from "@paybridge/core"
import { Context, Effect, Option, Schema } from "effect"
import { jwtVerify, SignJWT } from "jose"

/** How Elevate tokens are signed: the HS256 key (≥ 32 bytes) and the clock (tests pin it). */
export interface ElevateTokenSettingsShape {
  readonly secret: Uint8Array
  readonly now: () => number
}

const processSecret = new Uint8Array(randomBytes(32))

/**
 * The token settings. `apps/api` provides them from `ELEVATE_JWT_SECRET`; without that (unit
 * tests, the kit's testbed) a random per-process key is used, so tokens die with the process.
 */
export const ElevateTokenSettings = Context.Reference<ElevateTokenSettingsShape>(
  "@paybridge/adapter-elevate/ElevateTokenSettings",
  { defaultValue: () => ({ secret: processSecret, now: Date.now }) }
)

/** Elevate tokens are valid for 15 minutes from issue. */
export const tokenLifetimeSeconds = 15 * 60
const issuer = "paybridge"
const audience = "elevate"
const invalidToken = new Unauthorized({ message: "The bearer token is invalid or has expired" })

/** Signs an Elevate JWT for a principal (`sub` = the user's id). */
export const signElevateToken = (principal: Principal, claims: { readonly brand: string; readonly username: string }) =>
  Effect.gen(function* () {
    const settings = yield* ElevateTokenSettings
    const issuedAt = Math.floor(settings.now() / 1000)
    return yield* Effect.promise(() =>
      new SignJWT({ brand: claims.brand, username: claims.username })
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setSubject(String(principal.id))
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + tokenLifetimeSeconds)
        .sign(settings.secret)
    )
  })

/** A token whose signature and claims were verified: by which key, for whom, and when it is valid (epoch seconds). */
interface VerifiedToken {
  readonly secret: Uint8Array
  readonly userId: UserId
  readonly notBefore: number
  readonly expiresAt: number
}

/** Upper bound of remembered tokens (the Authenticator's verified-key bound); the oldest entry is dropped first. */
const verifiedTokensMaxEntries = 10_000
/** exact token → its verification; insertion order = age. */
const verifiedTokens = new Map<string, VerifiedToken>()
const rememberToken = (token: string, entry: VerifiedToken) =>
  rememberVerified(verifiedTokens, token, entry, verifiedTokensMaxEntries)

/** The user a token proves, from the cache while the token is within its validity window (as jose would judge it). */
const rememberedUser = (token: string, settings: ElevateTokenSettingsShape): UserId | undefined => {
  const hit = verifiedTokens.get(token)
  if (hit === undefined) return undefined
  // jose's own rule: seconds since the epoch, valid while `nbf <= now < exp`.
  const nowSeconds = Math.floor(settings.now() / 1000)
  if (hit.secret === settings.secret && hit.notBefore <= nowSeconds && hit.expiresAt > nowSeconds) return hit.userId
  if (hit.expiresAt <= nowSeconds) verifiedTokens.delete(token)
  return undefined
}

/** Verifies an Elevate JWT (or finds it verified and still within its `exp`) and resolves its user's current principal. */
export const verifyElevateToken = (token: string) =>
  Effect.gen(function* () {
    const settings = yield* ElevateTokenSettings
    const remembered = rememberedUser(token, settings)
    if (remembered !== undefined) return yield* Authenticator.use((auth) => auth.principalOf(remembered))
    const verified = yield* Effect.tryPromise({
      try: () =>
        jwtVerify(token, settings.secret, {
          algorithms: ["HS256"],
          issuer,
          audience,
          currentDate: new Date(settings.now()),
          requiredClaims: ["sub", "exp", "iat"]
        }),
      catch: () => invalidToken
    })
    const userId = Schema.decodeOption(UserId)(Number(verified.payload.sub))
    if (Option.isNone(userId)) return yield* invalidToken
    const { exp, nbf } = verified.payload
    if (typeof exp === "number") {
      rememberToken(token, {
        secret: settings.secret,
        userId: userId.value,
        notBefore: typeof nbf === "number" ? nbf : Number.NEGATIVE_INFINITY,
        expiresAt: exp
      })
    }
    return yield* Authenticator.use((auth) => auth.principalOf(userId.value))
  })

/** The dialect's authentication: `Authorization: Bearer <JWT>`, verified on every call. */
export const elevateBearer = authorizationHeader({
  check: (token) => verifyElevateToken(token),
  description: "Authorization: Bearer <JWT from POST /authenticate> (valid 15 minutes)"
})
