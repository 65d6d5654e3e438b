/**
 * Migration runs (issue 16.4): `pnpm migrate` keeps each finished run as a dialect record
 * (`migrate/run`, keyed by run id) with its summary and reconciliation report (JSON and Markdown);
 * the console lists them, newest first as stored.
 */
import { DialectRecord, DialectRecords, Page, PageInput } from "@paybridge/core"
import { jsonInput, jsonOutput } from "../json-codec.ts"
import { protectedProcedure, router } from "../trpc.ts"

/** Where `@paybridge/migrate` keeps its runs (its `ledger.checkpoint.ts`). */
const migrationRuns = { dialect: "migrate", kind: "run" } as const

const encodePage = jsonOutput(Page(DialectRecord))

export const migrationsRouter = router({
  runs: protectedProcedure
    .input(jsonInput(PageInput))
    .query(async ({ ctx, input }) =>
      encodePage(
        await ctx.runLedger(DialectRecords.use((records) => records.listDialectRecords({ ...migrationRuns, ...input })))
      )
    )
})
