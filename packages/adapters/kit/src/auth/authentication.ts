/**
 * The authentication hook of a dialect: an {@link AuthenticationMethod} finds the vendor's kind
 * of credentials in a request and turns them into a core `Principal`. The kit runs it before
 * every endpoint that is not public and renders a failure through the dialect's error table.
 * Ready methods cover the vendors' styles — a static bearer API key (Billing Platform UK), a
 * session token as bearer or as a `token` parameter (Elevate, LogiSense, CRM.COM), HTTP Basic
 * with a password or with an API key as user name (Silver, CRM.COM's web API key) — and
 * {@link anyOf} combines them. Each method also describes itself as OpenAPI security schemes.
 */
import {
  Authenticator,
  type Forbidden,
  illFormedTextProblem,
  type Overloaded,
  type Principal,
  type StorageUnavailable,
  Unauthorized,
  ValidationFailed
} from "@paybridge/core"
import { Effect } from "effect"
import type { SessionStore } from "./session-store.ts"

/** The failures an authentication may end in (`ValidationFailed`: credentials that are not well-formed text). */
export type AuthenticationFailure = Unauthorized | Forbidden | StorageUnavailable | Overloaded | ValidationFailed

/** What an authentication method may read from a request. */
export interface CredentialSource {
  /** A request header (case-insensitive), `undefined` when absent. */
  readonly header: (name: string) => string | undefined
  /** A query parameter, `undefined` when absent. */
  readonly query: (name: string) => string | undefined
  /** A top-level field of the JSON (or form) body, `undefined` when absent or when there is no body. */
  readonly bodyField: (name: string) => unknown
  /** The dialect app's session tokens. */
  readonly sessions: SessionStore
}

/** An OpenAPI 3.1 security scheme object (only the fields the kit's methods use). */
export interface SecurityScheme {
  readonly type: "http" | "apiKey"
  readonly scheme?: string
  readonly bearerFormat?: string
  readonly name?: string
  readonly in?: "query" | "header" | "cookie"
  readonly description?: string
}

/** One way of authenticating: where the credentials are and how they become a principal. */
export interface AuthenticationMethod {
  /** OpenAPI security schemes this method accepts, keyed by scheme name. */
  readonly securitySchemes: Readonly<Record<string, SecurityScheme>>
  /**
   * The program that checks this request's credentials, or `undefined` when the request carries
   * none of this style (so {@link anyOf} can try the next one).
   */
  readonly authenticate: (
    request: CredentialSource
  ) => Effect.Effect<Principal, AuthenticationFailure, Authenticator> | undefined
  /**
   * The account name this request's credentials claim (HTTP Basic's user name), for the host's
   * failed-authentication throttle; `null` (or absent) for tokens and API keys.
   */
  readonly account?: ((request: CredentialSource) => string | null) | undefined
}

/** How a found credential becomes a principal. */
export type CredentialCheck =
  /** A Paybridge API key (`pbk_…`), checked by `Authenticator.authenticateApiKey`. */
  | "api-key"
  /** A session token issued by the dialect's login endpoint. */
  | "session"
  | ((credential: string, request: CredentialSource) => Effect.Effect<Principal, AuthenticationFailure, Authenticator>)

const checkCredential = (
  check: CredentialCheck,
  credential: string,
  request: CredentialSource
): Effect.Effect<Principal, AuthenticationFailure, Authenticator> => {
  if (check === "session") return request.sessions.resolve(credential)
  if (check === "api-key") return Authenticator.use((auth) => auth.authenticateApiKey(credential))
  return check(credential, request)
}

const authorizationParts = (request: CredentialSource): { scheme: string; value: string } | undefined => {
  const header = request.header("authorization")?.trim()
  if (header === undefined || header === "") return undefined
  const space = header.indexOf(" ")
  if (space < 0) return { scheme: header.toLowerCase(), value: "" }
  return { scheme: header.slice(0, space).toLowerCase(), value: header.slice(space + 1).trim() }
}

/**
 * `Authorization: <scheme> <credential>`, e.g. `Bearer` (default) or DRF's `Token`. A header
 * with another scheme counts as absent, so {@link anyOf} can try the next method.
 */
export const authorizationHeader = (options: {
  readonly scheme?: string
  readonly check: CredentialCheck
  readonly description?: string
}): AuthenticationMethod => {
  const scheme = options.scheme ?? "Bearer"
  return {
    securitySchemes: {
      [`${scheme.toLowerCase()}Auth`]:
        scheme.toLowerCase() === "bearer"
          ? { type: "http", scheme: "bearer", description: options.description ?? "Authorization: Bearer <token>" }
          : {
              type: "apiKey",
              in: "header",
              name: "Authorization",
              description: options.description ?? `Authorization: ${scheme} <credential>`
            }
    },
    authenticate: (request) => {
      const parts = authorizationParts(request)
      if (parts === undefined || parts.scheme !== scheme.toLowerCase()) return undefined
      if (parts.value === "") return Effect.fail(new Unauthorized({ message: `Empty ${scheme} credentials` }))
      return checkCredential(options.check, parts.value, request)
    }
  }
}

/** A static Paybridge API key as `Authorization: Bearer <key>` (Billing Platform UK). */
export const bearerApiKey = (description = "Authorization: Bearer <API key>"): AuthenticationMethod =>
  authorizationHeader({ check: "api-key", description })

/** A session token from the dialect's login endpoint as `Authorization: Bearer <token>` (Elevate, LogiSense). */
export const bearerSessionToken = (description = "Authorization: Bearer <session token>"): AuthenticationMethod =>
  authorizationHeader({ check: "session", description })

const utf8 = new TextDecoder("utf-8", { fatal: true })

/** Basic credentials, `undefined` when not `user:password` in base64, or the problem with their text. */
const decodeBasic = (value: string): { user: string; password: string } | ValidationFailed | undefined => {
  if (!/^[A-Za-z0-9+/]+={0,2}$/u.test(value)) return undefined
  let decoded: string
  try {
    decoded = utf8.decode(Buffer.from(value, "base64"))
  } catch {
    const message = "Basic credentials must be UTF-8 text"
    return new ValidationFailed({ message, issues: [{ path: ["Authorization"], message }] })
  }
  const problem = illFormedTextProblem(decoded)
  if (problem !== null) {
    const message = `Basic credentials ${problem}`
    return new ValidationFailed({ message, issues: [{ path: ["Authorization"], message }] })
  }
  const colon = decoded.indexOf(":")
  if (colon < 0) return undefined
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
}

/**
 * HTTP Basic. `password` (default): user name = the user's e-mail, checked with
 * `Authenticator.authenticatePassword` (Silver/DRF). `api-key-as-user`: the user name is an API
 * key and the password must be empty (CRM.COM's web API key).
 */
export const httpBasic = (
  options: { readonly mode?: "password" | "api-key-as-user"; readonly description?: string } = {}
): AuthenticationMethod => {
  const mode = options.mode ?? "password"
  return {
    securitySchemes: {
      basicAuth: {
        type: "http",
        scheme: "basic",
        description:
          options.description ??
          (mode === "password" ? "HTTP Basic: e-mail and password" : "HTTP Basic: API key as user name, empty password")
      }
    },
    account: (request) => {
      if (mode !== "password") return null
      const parts = authorizationParts(request)
      const credentials = parts?.scheme === "basic" ? decodeBasic(parts.value) : undefined
      return credentials === undefined || credentials instanceof ValidationFailed ? null : credentials.user
    },
    authenticate: (request) => {
      const parts = authorizationParts(request)
      if (parts === undefined || parts.scheme !== "basic") return undefined
      const credentials = decodeBasic(parts.value)
      if (credentials === undefined) return Effect.fail(new Unauthorized({ message: "Malformed Basic credentials" }))
      if (credentials instanceof ValidationFailed) return Effect.fail(credentials)
      return Authenticator.use((auth) =>
        mode === "password"
          ? auth.authenticatePassword(credentials.user, credentials.password)
          : credentials.password === ""
            ? auth.authenticateApiKey(credentials.user)
            : Effect.fail(new Unauthorized({ message: "The API key goes in the user name with an empty password" }))
      )
    }
  }
}

/**
 * A credential in a query parameter and/or a top-level JSON body field (CRM.COM's `token`:
 * query for GET, body for POST). The first place that has it wins.
 */
export const tokenParameter = (options: {
  readonly name?: string
  readonly in?: ReadonlyArray<"query" | "body">
  readonly check: CredentialCheck
  readonly description?: string
}): AuthenticationMethod => {
  const name = options.name ?? "token"
  const places = options.in ?? ["query", "body"]
  return {
    securitySchemes: {
      [`${name}Parameter`]: {
        type: "apiKey",
        in: "query",
        name,
        description: options.description ?? `\`${name}\` in the ${places.join(" or ")}`
      }
    },
    authenticate: (request) => {
      for (const place of places) {
        const value = place === "query" ? request.query(name) : request.bodyField(name)
        if (value === undefined || value === null) continue
        if (typeof value !== "string" || value === "") {
          return Effect.fail(new Unauthorized({ message: `\`${name}\` must be a non-empty string` }))
        }
        return checkCredential(options.check, value, request)
      }
      return undefined
    }
  }
}

/** A credential in a named header, e.g. `X-Api-Key: <key>`. */
export const headerCredential = (options: {
  readonly header: string
  readonly check: CredentialCheck
  readonly description?: string
}): AuthenticationMethod => ({
  securitySchemes: {
    [`${options.header.replace(/[^A-Za-z0-9]/gu, "")}Header`]: {
      type: "apiKey",
      in: "header",
      name: options.header,
      description: options.description ?? `${options.header} header`
    }
  },
  authenticate: (request) => {
    const value = request.header(options.header)?.trim()
    if (value === undefined || value === "") return undefined
    return checkCredential(options.check, value, request)
  }
})

/** The first method whose credentials are present decides; none present means "not provided". */
export const anyOf = (...methods: ReadonlyArray<AuthenticationMethod>): AuthenticationMethod => ({
  securitySchemes: Object.assign({}, ...methods.map((method) => method.securitySchemes)),
  account: (request) => {
    const deciding = methods.find((method) => method.authenticate(request) !== undefined)
    return deciding?.account?.(request) ?? null
  },
  authenticate: (request) => {
    for (const method of methods) {
      const program = method.authenticate(request)
      if (program !== undefined) return program
    }
    return undefined
  }
})
