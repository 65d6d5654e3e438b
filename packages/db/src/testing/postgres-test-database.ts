/**
 * Throwaway PostgreSQL databases for test suites. Suites of different packages run in parallel
 * against one server, so each suite creates its own `pb_<random>` database from
 * `TEST_DATABASE_URL` (default `postgresql://postgres@127.0.0.1:5432/test`) and drops it at the
 * end. An unreachable server is an error, never a reason to skip.
 */
import { randomBytes } from "node:crypto"
import { MikroORM as PostgreSqlOrm } from "@mikro-orm/postgresql"
import { ledgerEntities } from "../entities/index.ts"

export const defaultTestDatabaseUrl = "postgresql://postgres@127.0.0.1:5432/test"

/** The server URL tests use: `TEST_DATABASE_URL` or the project default. */
export const testDatabaseUrl = (): string => {
  const fromEnv = process.env.TEST_DATABASE_URL
  return fromEnv === undefined || fromEnv === "" ? defaultTestDatabaseUrl : fromEnv
}

export interface PostgresTestDatabase {
  /** Connection URL of the new, empty database. */
  readonly url: string
  readonly name: string
  /** Drops the database (terminating leftover connections). Safe to call twice. */
  readonly drop: () => Promise<void>
}

const withDatabaseName = (serverUrl: string, name: string): string => {
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return url.toString()
}

const openAdmin = async (serverUrl: string) => {
  try {
    const orm = await PostgreSqlOrm.init({
      entities: [...ledgerEntities],
      clientUrl: serverUrl,
      pool: { min: 0, max: 1 },
      discovery: { warnWhenNoEntities: false }
    })
    await orm.em.getConnection().execute("select 1")
    return orm
  } catch (cause) {
    throw new Error(
      `PostgreSQL is unreachable at ${serverUrl.replace(/\/\/[^@]*@/, "//***@")} (set TEST_DATABASE_URL): ${String(cause)}`,
      { cause }
    )
  }
}

/** Creates an empty database `pb_<random>` on the test server; fails loudly when the server is unreachable. */
export const createPostgresTestDatabase = async (
  serverUrl: string = testDatabaseUrl(),
  prefix = "pb"
): Promise<PostgresTestDatabase> => {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`
  const admin = await openAdmin(serverUrl)
  try {
    await admin.em.getConnection().execute(`create database "${name}"`)
  } finally {
    await admin.close(true)
  }
  let dropped = false
  return {
    url: withDatabaseName(serverUrl, name),
    name,
    drop: async () => {
      if (dropped) return
      dropped = true
      const again = await openAdmin(serverUrl)
      try {
        await again.em.getConnection().execute(`drop database if exists "${name}" with (force)`)
      } finally {
        await again.close(true)
      }
    }
  }
}
