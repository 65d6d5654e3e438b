/** Customers: create, update, get and list (with a name/number search), over the Ledger service. */
import { CreateCustomerInput, Customer, CustomerId, Page, Parties, UpdateCustomerInput } from "@paybridge/core"
import { ById, CustomerListInput } from "../inputs.ts"
import { jsonInput, jsonOutput } from "../json-codec.ts"
import { protectedProcedure, router } from "../trpc.ts"

const encodeCustomer = jsonOutput(Customer)
const encodePage = jsonOutput(Page(Customer))

export const customersRouter = router({
  create: protectedProcedure
    .input(jsonInput(CreateCustomerInput))
    .mutation(async ({ ctx, input }) =>
      encodeCustomer(await ctx.runLedger(Parties.use((parties) => parties.createCustomer(input))))
    ),
  update: protectedProcedure
    .input(jsonInput(UpdateCustomerInput))
    .mutation(async ({ ctx, input }) =>
      encodeCustomer(await ctx.runLedger(Parties.use((parties) => parties.updateCustomer(input))))
    ),
  get: protectedProcedure
    .input(jsonInput(ById(CustomerId)))
    .query(async ({ ctx, input }) =>
      encodeCustomer(await ctx.runLedger(Parties.use((parties) => parties.getCustomer(input.id))))
    ),
  list: protectedProcedure
    .input(jsonInput(CustomerListInput))
    .query(async ({ ctx, input }) =>
      encodePage(await ctx.runLedger(Parties.use((parties) => parties.listCustomers(input))))
    )
})
