/** Customer balances: the running balance chain of one customer, and manual adjustments. */
import { AdjustBalanceInput, BalanceEntry, Balances, Page } from "@paybridge/core"
import { BalanceEntriesInput } from "../inputs.ts"
import { jsonInput, jsonOutput } from "../json-codec.ts"
import { protectedProcedure, router } from "../trpc.ts"

const encodeEntry = jsonOutput(BalanceEntry)
const encodePage = jsonOutput(Page(BalanceEntry))

export const balancesRouter = router({
  entries: protectedProcedure
    .input(jsonInput(BalanceEntriesInput))
    .query(async ({ ctx, input: { customerId, ...page } }) =>
      encodePage(await ctx.runLedger(Balances.use((balances) => balances.listBalanceEntries(customerId, page))))
    ),
  adjust: protectedProcedure
    .input(jsonInput(AdjustBalanceInput))
    .mutation(async ({ ctx, input }) =>
      encodeEntry(await ctx.runLedger(Balances.use((balances) => balances.adjustBalance(input))))
    )
})
