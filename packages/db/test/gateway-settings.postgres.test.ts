/** Stored gateway settings on PostgreSQL (a throwaway database): every row of every table dumped and searched for each secret; see the scenarios. */
import { afterAll, beforeAll, describe } from "vitest"
import { initOrm } from "../src/index.ts"
import { createPostgresTestDatabase } from "../src/testing/index.ts"
import { describeGatewaySettings } from "./support/gateway-settings-scenarios.ts"

let database: Awaited<ReturnType<typeof createPostgresTestDatabase>> | undefined
beforeAll(async () => {
  database = await createPostgresTestDatabase()
})
afterAll(async () => {
  await database?.drop()
})

const dumpDatabase = async (url: string): Promise<string> => {
  const orm = await initOrm({ driver: "postgresql", url })
  try {
    const connection = orm.em.getConnection()
    const tables = (await connection.execute(
      "select table_name from information_schema.tables where table_schema = 'public'"
    )) as ReadonlyArray<{ table_name: string }>
    const rows = await Promise.all(
      tables.map(({ table_name }) => connection.execute(`select t::text as row from "${table_name}" t`))
    )
    return JSON.stringify(rows)
  } finally {
    await orm.close(true)
  }
}

describe("gateway settings on PostgreSQL", () => {
  describeGatewaySettings(() => {
    if (database === undefined) throw new Error("the database is not created yet")
    const url = database.url
    return { url, dumpDatabase: () => dumpDatabase(url) }
  })
})
