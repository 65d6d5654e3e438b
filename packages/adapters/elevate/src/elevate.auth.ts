/**
 * How Elevate credentials become a principal. `POST /authenticate` (in
 * `authentication.endpoints.ts`) signs a JWT with `signElevateToken`: HS256, `sub` = the user's
 * id, issuer `paybridge`, audience `elevate`, valid 15 minutes, keyed by `ElevateTokenSettings`
 * (`ELEVATE_JWT_SECRET`, provided by `apps/api`; a random per-process key without it).
 * `elevateBearer` is the dialect's authentication: it verifies the `Authorization: Bearer` token
 * on every other call and re-reads the user's current principal, so a changed role or customer
 * scope applies at once; a wrong, tampered, expired or foreign token is 401.
 */
import { randomBytes } from "node:crypto"
import { authorizationHeader } from "@paybridge/adapter-kit"
import { Authenticator, type Principal, Unauthorized, UserId } from "@paybridge/core"
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

/** Verifies an Elevate JWT and resolves its user's current principal. */
export const verifyElevateToken = (token: string) =>
  Effect.gen(function* () {
    const settings = yield* ElevateTokenSettings
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
    return yield* Authenticator.use((auth) => auth.principalOf(userId.value))
  })

/** The dialect's authentication: `Authorization: Bearer <JWT>`, verified on every call. */
export const elevateBearer = authorizationHeader({
  check: (token) => verifyElevateToken(token),
  description: "Authorization: Bearer <JWT from POST /authenticate> (valid 15 minutes)"
})
