/** Documents (invoices, bills, proformas): issue, cancel, get, the allocations that paid one, list with filters. */
import {
  Allocation,
  Document,
  DocumentId,
  DocumentQueryInput,
  Documents,
  IssueDocumentInput,
  Page
} from "@paybridge/core"
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
    .mutation(async ({ ctx, input }) =>
      encodeDocument(await ctx.runLedger(Documents.use((documents) => documents.issueDocument(input))))
    ),
  cancel: protectedProcedure
    .input(jsonInput(ById(DocumentId)))
    .mutation(async ({ ctx, input }) =>
      encodeDocument(await ctx.runLedger(Documents.use((documents) => documents.cancelDocument(input.id))))
    ),
  get: protectedProcedure
    .input(jsonInput(ById(DocumentId)))
    .query(async ({ ctx, input }) =>
      encodeDocument(await ctx.runLedger(Documents.use((documents) => documents.getDocument(input.id))))
    ),
  /** The allocations that paid (part of) the document. */
  allocations: protectedProcedure
    .input(jsonInput(ById(DocumentId)))
    .query(async ({ ctx, input }) =>
      encodeAllocations(await ctx.runLedger(Documents.use((documents) => documents.listDocumentAllocations(input.id))))
    ),
  list: protectedProcedure
    .input(jsonInput(DocumentQueryInput))
    .query(async ({ ctx, input }) =>
      encodePage(await ctx.runLedger(Documents.use((documents) => documents.listDocuments(input))))
    )
})
