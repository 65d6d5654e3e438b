/** The append-only event log as a feed: filter by type, time, customer or payment; page by cursor. */
import { Balances, EventQueryInput, LedgerEvent, Page } from "@paybridge/core"
import { jsonInput, jsonOutput } from "../json-codec.ts"
import { protectedProcedure, router } from "../trpc.ts"

const encodePage = jsonOutput(Page(LedgerEvent))

export const eventsRouter = router({
  feed: protectedProcedure
    .input(jsonInput(EventQueryInput))
    .query(async ({ ctx, input }) =>
      encodePage(await ctx.runLedger(Balances.use((balances) => balances.listEvents(input))))
    )
})
