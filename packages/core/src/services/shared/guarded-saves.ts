/**
 * Saving a changed payment or document: a version-guarded update (the store refuses it with
 * `Conflict("concurrent-modification")` when the row moved since it was read, and the command is
 * retried once) that also stamps `updatedAt`.
 */
import { Effect } from "effect"
import type { Document, Payment } from "../../model/records.ts"
import { LedgerStore } from "../../ports/ledger-store.ts"
import { now } from "../clock.ts"

export const savePayment = (payment: Payment, changes: Partial<Omit<Payment, "id" | "version">>) =>
  Effect.flatMap(LedgerStore, (store) =>
    Effect.flatMap(now, (at) => store.payments.update({ ...payment, ...changes, updatedAt: at }, payment.version))
  )

export const saveDocument = (document: Document, changes: Partial<Omit<Document, "id" | "version">>) =>
  Effect.flatMap(LedgerStore, (store) =>
    Effect.flatMap(now, (at) => store.documents.update({ ...document, ...changes, updatedAt: at }, document.version))
  )
