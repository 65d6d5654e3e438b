/** Documents (invoices, bills, proformas): issue, cancel, get, the allocations that paid one, list with filters. */
import { Allocation, Document, DocumentQueryInput, IssueDocumentInput, Page } from "@paybridge/core"
import { Schema } from "effect"
import { ById } from "../inputs.ts"
import { jsonInput, jsonOutput } from "../json-codec.ts"
import { protectedProcedure, router } from "../trpc.ts"

const encodeDocument = jsonOutput(Document)
const encodePage = jsonOutput(Page(Document))
const encodeAllocations = jsonOutput(Schema.Array(Allocation))

export const documentsRouter = router({
  issue: protectedProcedure
    .input(jsonInput(IssueDocumentInput))
    .mutation(async ({ ctx, input }) => encodeDocument(await ctx.runLedger((ledger) => ledger.issueDocument(input)))),
  cancel: protectedProcedure
    .input(jsonInput(ById))
    .mutation(async ({ ctx, input }) =>
      encodeDocument(await ctx.runLedger((ledger) => ledger.cancelDocument(input.id)))
    ),
  get: protectedProcedure
    .input(jsonInput(ById))
    .query(async ({ ctx, input }) => encodeDocument(await ctx.runLedger((ledger) => ledger.getDocument(input.id)))),
  /** The allocations that paid (part of) the document. */
  allocations: protectedProcedure
    .input(jsonInput(ById))
    .query(async ({ ctx, input }) =>
      encodeAllocations(await ctx.runLedger((ledger) => ledger.listDocumentAllocations(input.id)))
    ),
  list: protectedProcedure
    .input(jsonInput(DocumentQueryInput))
    .query(async ({ ctx, input }) => encodePage(await ctx.runLedger((ledger) => ledger.listDocuments(input))))
})
