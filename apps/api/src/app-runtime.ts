/**
 * What the server runs on: the services the HTTP app, the admin console host and the CLI scripts
 * need from the one `ManagedRuntime` (`runtime.ts` builds it). Its own module so that the app and
 * the console host, which the app mounts, both depend on it without depending on each other.
 */
import type { Authenticator, IdempotencyStore, IdentityStore, LedgerServices, LedgerStore } from "@paybridge/core"
import type { ManagedRuntime } from "effect"

/** The services the server needs from the runtime. */
export type AppServices = LedgerServices | Authenticator | LedgerStore | IdempotencyStore | IdentityStore
export type AppRuntime = ManagedRuntime.ManagedRuntime<AppServices, never>
