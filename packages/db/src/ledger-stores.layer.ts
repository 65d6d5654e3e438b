/**
 * Core's three storage ports on MikroORM from one session: `LedgerStore` (the ledger's records),
 * `IdempotencyStore` (idempotency-key claims) and `IdentityStore` (users and API keys). They share
 * the session's connection and transaction context, so an idempotency claim commits or rolls back
 * with the command's writes, and the Authenticator's transactions are the ledger's.
 */
import {
  IdempotencyStore,
  type IdempotencyStoreShape,
  IdentityStore,
  type IdentityStoreShape,
  LedgerStore,
  type LedgerStoreShape
} from "@paybridge/core"
import { Context, Effect, Layer } from "effect"
import { makeIdempotencyStore } from "./idempotency-store.layer.ts"
import { makeIdentityStore } from "./identity-store.layer.ts"
import { makeLedgerStore } from "./ledger-store.layer.ts"
import { makeSecretSealer } from "./secrets/secret-sealing.ts"
import { makeOrmSession, type OrmSessionOptions } from "./store/orm-session.ts"

/** The services of the three storage ports. */
export type StorePorts = LedgerStore | IdempotencyStore | IdentityStore

export interface StoreOptions extends OrmSessionOptions {
  /** The 32-byte key gateway secrets are sealed with (`PAYBRIDGE_SECRETS_KEY`); none: they cannot be stored. */
  readonly secretsKey?: Buffer | null | undefined
  /** Keys secrets were sealed with before (`PAYBRIDGE_SECRETS_KEY_PREVIOUS`): they still open, and are re-sealed on save. */
  readonly previousSecretsKeys?: ReadonlyArray<Buffer> | undefined
}

/** The three stores of one database. */
export interface LedgerStores {
  readonly ledger: LedgerStoreShape
  readonly idempotency: IdempotencyStoreShape
  readonly identity: IdentityStoreShape
}

/** Builds the three stores over an initialised (and migrated) ORM, on one session. */
export const makeMikroOrmStores = (options: StoreOptions): Effect.Effect<LedgerStores> =>
  Effect.map(makeOrmSession(options), (session) => ({
    ledger: makeLedgerStore(
      session,
      options.secretsKey === undefined || options.secretsKey === null
        ? null
        : makeSecretSealer(options.secretsKey, options.previousSecretsKeys ?? [])
    ),
    idempotency: makeIdempotencyStore(session),
    identity: makeIdentityStore(session)
  }))

/** The three stores as a context, to provide them together. */
export const storesContext = (stores: LedgerStores): Context.Context<StorePorts> =>
  Context.make(LedgerStore, stores.ledger).pipe(
    Context.add(IdempotencyStore, stores.idempotency),
    Context.add(IdentityStore, stores.identity)
  )

/** The three ports over a given ORM (the ORM's lifetime is the caller's; see `openDatabase`). */
export const mikroOrmStoresLayer = (options: StoreOptions): Layer.Layer<StorePorts> =>
  Layer.effectContext(Effect.map(makeMikroOrmStores(options), storesContext))
