/**
 * What the admin console's procedures need from the host beyond the ledger, supplied by
 * `apps/api` through the tRPC context: the Authenticator (users, API keys, password checks), the
 * console's password sign-in and sign-out (sessions in HttpOnly cookies), the mounted vendor dialects (with their optional payment renderers and declared preset kinds)
 * and the generated compatibility table. Keeping these behind plain functions means this package
 * depends on neither the adapter kit nor the server; without a host (`console: null`) the
 * console procedures answer `NOT_IMPLEMENTED`.
 */
import type { Authenticator, LedgerError, PaymentDetail, Principal } from "@paybridge/core"
import type { Effect } from "effect"

/**
 * A console session as the console's procedures see it: who signed in and until when. Its token is
 * the host's business — it travels as an HttpOnly cookie that page scripts cannot read.
 */
export interface ConsoleSession {
  readonly principal: Principal
  readonly expiresAt: Date
}

/** How one dialect accepts credentials (from its OpenAPI security schemes). */
export interface CredentialStyle {
  readonly name: string
  readonly description: string
}

/** One kind of named preset a dialect declares (its `defineDialect({ presets })`). */
export interface ConsolePresetKind {
  readonly id: string
  readonly label: string
  /** The dialect-record kind that holds the presets. */
  readonly recordKind: string
}

/** A mounted vendor dialect, as the console sees it. */
export interface ConsoleDialect {
  readonly id: string
  readonly title: string
  readonly basePath: string
  readonly credentialStyles: ReadonlyArray<CredentialStyle>
  /**
   * The payment as this dialect returns it, as the exact JSON text the dialect would send (indented
   * by two spaces, numbers written digit for digit: `75.00` stays `75.00`); `null` when the dialect
   * offers no renderer. The host serialises, because only it knows the dialect's JSON writer.
   */
  readonly renderPayment:
    | ((
        detail: PaymentDetail,
        context: { readonly principal: Principal; readonly requestId: string }
      ) => Promise<string>)
    | null
  /** The named presets the dialect resolves (managed by the `dialectPresets` procedures); often none. */
  readonly presets: ReadonlyArray<ConsolePresetKind>
}

export interface ConsoleHost {
  /** Runs an Authenticator program; a core error rejects as the tRPC error the table prescribes. */
  readonly runAuthenticator: <A>(
    program: (auth: Authenticator["Service"]) => Effect.Effect<A, LedgerError>
  ) => Promise<A>
  /**
   * Password sign-in: checks the e-mail and password (the host throttles it per client address and
   * account) and opens a console session whose token goes to the browser as an HttpOnly cookie.
   */
  readonly signIn: (email: string, password: string) => Promise<ConsoleSession>
  /** Ends the request's console session, if it has one, and clears its cookies. */
  readonly signOut: () => Promise<void>
  readonly dialects: ReadonlyArray<ConsoleDialect>
  /** The generated `docs/compatibility.md`. */
  readonly compatibilityDocument: () => Promise<string>
}
