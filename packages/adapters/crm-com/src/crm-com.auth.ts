/**
 * How a CRM.COM client becomes a principal: the `token` parameter (query string for GET, JSON body
 * for POST) checked against the kit's session store, tokens that live two hours after issue, used
 * or not (CRM.COM R12+), the web API key read from the HTTP Basic user name (empty password), and
 * the business unit a login names (`unit`), checked at login, remembered per token and resolved on each write
 * that needs it (a create checks it with the ledger's customer lock: `unitCheckWithLock`). The login
 * endpoints themselves are in `authentication.endpoints.ts`.
 */
import { isRetiredPreset, type SessionStore, tokenParameter } from "@paybridge/adapter-kit"
import {
  type CreatePaymentOptions,
  type SessionGrant,
  Unauthorized,
  type ValidationFailed,
  validationFailed
} from "@paybridge/core"
import { Effect } from "effect"
import { namedOf, namedRecords, retiredRefusal } from "./configuration.transformers.ts"
import { dialectId, type NamedEntity, type Program, recordKinds, type UnitEntity } from "./crm-com.transformers.ts"

/** Two hours from issue, used or not (CRM.COM R12+). */
export const tokenLifetimeSeconds = 2 * 60 * 60

/** The session settings of the dialect: a fixed lifetime, no renewal on use. */
export const crmComSessions = { ttlSeconds: tokenLifetimeSeconds, sliding: false }

/** Every non-public method takes the session token as its `token` parameter. */
export const crmComAuthentication = tokenParameter({
  check: "session",
  description: "`token` from authentication/token: query for GET, body for POST"
})

/**
 * The web API key of `authentication/web_api_key/token`: the HTTP Basic user name, with an empty
 * password; anything else is `Unauthorized`.
 */
export const webApiKeyOf = (authorizationHeader: string | undefined): Effect.Effect<string, Unauthorized> =>
  Effect.gen(function* () {
    const authorization = authorizationHeader?.trim() ?? ""
    const [scheme = "", encoded = ""] = authorization.split(/\s+/u)
    if (scheme.toLowerCase() !== "basic" || encoded === "") {
      return yield* new Unauthorized({ message: "Send the web API key as the HTTP Basic user name" })
    }
    const decoded = Buffer.from(encoded, "base64").toString("utf8")
    const colon = decoded.indexOf(":")
    const key = colon < 0 ? decoded : decoded.slice(0, colon)
    if (colon < 0 || decoded.slice(colon + 1) !== "") {
      return yield* new Unauthorized({ message: "The web API key goes in the user name with an empty password" })
    }
    return key
  })

// ---------------------------------------------------------------------------------------------
// Sessions and their units

/** The unit a token was issued for: the name, alternative code or id its login gave, and the unit's id then. */
export interface RememberedUnit {
  readonly name: string
  readonly id: string
}

const sessionUnits = new WeakMap<SessionStore, Map<string, RememberedUnit>>()
const maxRememberedUnits = 100_000

/** Remembers the unit a token was issued for (`unit` of the login, as the login resolved it). */
export const rememberSessionUnit = (sessions: SessionStore, token: string, unit: RememberedUnit) => {
  let units = sessionUnits.get(sessions)
  if (units === undefined) {
    units = new Map()
    sessionUnits.set(sessions, units)
  }
  if (units.size >= maxRememberedUnits) {
    const oldest = units.keys().next()
    if (!oldest.done) units.delete(oldest.value)
  }
  units.set(token, unit)
}

/** Forgets a released token's unit. */
export const forgetSessionUnit = (sessions: SessionStore, token: string) => {
  sessionUnits.get(sessions)?.delete(token)
}

/** Issues a token for a login's grant and remembers the unit the login named, if any. */
export const issueToken = (sessions: SessionStore, grant: SessionGrant, unit: RememberedUnit | undefined) =>
  Effect.map(sessions.issue(grant), (issued) => {
    if (unit !== undefined) rememberSessionUnit(sessions, issued.token, unit)
    return issued.token
  })

/** Ends a token at once, with the unit it was issued for. */
export const releaseToken = (sessions: SessionStore, token: string) =>
  Effect.map(sessions.revoke(token), () => forgetSessionUnit(sessions, token))

/**
 * The unit a login names (by name, alternative code or id); a unit that does not exist is refused
 * with `message`, a retired one (issue 12.9) as retired.
 */
export const existingUnit = (name: string, message: string): Program<UnitEntity> =>
  Effect.gen(function* () {
    const found = (yield* namedRecords("unit")).find(({ entity: unit }) => answersTo(unit, name))
    if (found === undefined) return yield* validationFailed(["unit"], message)
    if (found.retired) return yield* retiredRefusal("unit", "unit", found.entity.name)
    return found.entity
  })

/** Whether a unit answers to a login's `unit` (its name, alternative code or id). */
const answersTo = (unit: NamedEntity, name: string) =>
  unit.name === name || unit.alternative_code === name || unit.id === name.toUpperCase()

/** The unit the request's session logged in with, as its login resolved it, or `null` when it named none. */
export const rememberedUnit = (sessions: SessionStore, token: string | undefined): RememberedUnit | null =>
  (token === undefined ? undefined : sessionUnits.get(sessions)?.get(token)) ?? null

/**
 * The unit the request's session logged in with (by name, alternative code or id), or `null`
 * when the login named none. A unit that does not exist is refused here, on first use.
 */
export const sessionUnit = (sessions: SessionStore, token: string | undefined): Program<UnitEntity | null> =>
  Effect.gen(function* () {
    const name = rememberedUnit(sessions, token)?.name
    if (name === undefined) return null
    return yield* existingUnit(name, `the unit "${name}" this token was issued for does not exist`)
  })

/**
 * The check of a session's unit that joins a create's customer lock (`CreatePaymentOptions`): the
 * unit's record is read by the id its login resolved, in the lock's statement, and passes when it
 * still answers to the login's name and is not retired. Anything else fails with `refusal` (that
 * very instance), on which the caller checks the unit as `sessionUnit` does, whose answer stands.
 */
export const unitCheckWithLock = (
  unit: RememberedUnit,
  refusal: ValidationFailed
): Pick<CreatePaymentOptions, "lockWith" | "beforeWrite"> => ({
  lockWith: { records: [{ dialect: dialectId, kind: recordKinds.unit, key: unit.id }] },
  beforeWrite: ({ records }) => {
    const found = records.find((record) => record.dialect === dialectId && record.kind === recordKinds.unit)
    return found !== undefined && !isRetiredPreset(found.data) && answersTo(namedOf(found.key, found.data), unit.name)
      ? Effect.succeed(undefined)
      : Effect.fail(refusal)
  }
})
