/**
 * Opening a payment for a locked customer, as `createPayment` and `payDocument` both do: presets
 * and references checked, the payment inserted posted in one go with its allocations booked (one
 * insert of them, the events a draft allocated and posted would log written together), or as a
 * draft with its allocations reserved; or, through a
 * gateway this server drives, allocated, left pending with a charge attempt booked, the gateway
 * called after the commit (`gateway-attempts.ts`). Also the allocations a new payment asks for (explicit ones parsed exactly, and the
 * rest of the payment spread over the customer's unpaid invoices and bills oldest first). A
 * dialect record the caller passes is written with the payment's creation event.
 */
import { Effect } from "effect"
import { Conflict, notFound, validationFailed } from "../../errors.ts"
import { type ExternalRef, newPublicId, type Page, toBusinessDate } from "../../model/common.ts"
import type { DocumentId, PresetId } from "../../model/ids.ts"
import type { Customer, Document, Payment, PaymentPreset } from "../../model/records.ts"
import { maskCardNumbersDeep } from "../../model/text.ts"
import { type AttachedRecord, LedgerStore, type New, type PaymentChildren } from "../../ports/ledger-store.ts"
import { PaymentGateways } from "../../ports/payment-gateway.ts"
import { now, today } from "../clock.ts"
import { CommandContext } from "../command-context.ts"
import type * as C from "../ledger-commands.ts"
import {
  type AllocationRequest,
  applyAllocations,
  bookAllocationsOfNewPayment,
  planAllocations
} from "./allocation-book.ts"
import { moveBalanceOf, moveBalanceWithEvents } from "./balance-movements.ts"
import { BulkBooking } from "./bulk-booking.ts"
import { submitForCollection } from "./collection-steps.ts"
import { type FieldPath, parsePositiveAmount } from "./exact-amounts.ts"
import { bookChargeAttempt } from "./gateway-attempts.ts"
import { eventRows, minor, recordEvents } from "./ledger-events.ts"
import { paymentTransition } from "./lifecycle-steps.ts"
import { detailOf, noChildren, paymentDetail } from "./payment-detail.ts"
import { paymentEventOf, postedEvent } from "./payment-posting.ts"
import { existingGateway, existingPreset } from "./record-access.ts"

/** A new payment's fields, amount parsed, allocations resolved. */
export type NewPaymentSpec = Omit<C.CreatePaymentInput, "customerId" | "currency" | "amount" | "allocations"> & {
  readonly amount: bigint
  readonly allocations: ReadonlyArray<AllocationRequest>
}

/**
 * A preset of the given kind that is available (a payment method or type named by a command);
 * taken from `known` (presets the command read already, e.g. with its customer lock) when there.
 */
export const availablePreset = (
  id: PresetId,
  kind: PaymentPreset["kind"],
  path: FieldPath,
  known: ReadonlyArray<PaymentPreset> = []
) =>
  Effect.gen(function* () {
    const row = known.find((preset) => preset.id === id) ?? (yield* existingPreset(id))
    if (row.kind !== kind) {
      return yield* validationFailed(path, `preset ${id} is a payment ${row.kind}, not a ${kind}`)
    }
    if (!row.available) return yield* validationFailed(path, `payment ${kind} ${row.code} is not available`)
    return row
  })

/**
 * Creates a payment for a locked customer (`customer`: the row read under the lock, unchanged
 * since): validates references and allocations first, then inserts it posted (nothing to
 * allocate), or as a draft and allocates and posts it, or books its gateway charge (pending).
 * `presets` and `documents`: payment presets and documents read already (with the lock), so the
 * ones named are not read again.
 */
export const openPayment = (
  customer: Customer,
  spec: NewPaymentSpec,
  presets: ReadonlyArray<PaymentPreset> = [],
  record?: Omit<AttachedRecord, "key"> & { readonly keyedBy?: "payment-id" | "payment-public-id" | undefined },
  documents: ReadonlyArray<Document> = []
) =>
  Effect.gen(function* () {
    const store = yield* LedgerStore
    const context = yield* CommandContext
    const method = spec.methodId == null ? null : yield* availablePreset(spec.methodId, "method", ["methodId"], presets)
    const paymentType = spec.typeId == null ? null : yield* availablePreset(spec.typeId, "type", ["typeId"], presets)
    const billingEntityId = spec.billingEntityId === undefined ? customer.billingEntityId : spec.billingEntityId
    // The customer's own billing entity exists (the customer's foreign key); another one is proven
    // by the payment insert's foreign key (`insertNumbered`): no read of it before.
    const unprovenEntity =
      billingEntityId !== null && billingEntityId !== customer.billingEntityId ? billingEntityId : null
    const gatewayId = spec.gatewayId ?? method?.gatewayId ?? null
    const gateway = gatewayId === null ? null : yield* existingGateway(gatewayId)
    const cardToken = spec.cardToken ?? null
    if (gateway !== null && !gateway.enabled) {
      return yield* validationFailed(["gatewayId"], `gateway ${gateway.code} is disabled`)
    }
    const refusal = gateway === null ? null : (yield* PaymentGateways).refusal(gateway)
    if (refusal !== null) return yield* validationFailed(["gatewayId"], refusal)
    if (method !== null && method.gatewayId !== null && cardToken === null) {
      return yield* validationFailed(["cardToken"], `payment method ${method.code} needs a card token`)
    }
    if (gateway !== null && spec.initialState === "draft") {
      return yield* validationFailed(["initialState"], "a payment charged through a gateway cannot start as a draft")
    }
    const postingStated = spec.postedOn !== undefined || spec.postedAt !== undefined
    if (postingStated && (gateway !== null || spec.initialState === "draft")) {
      return yield* validationFailed(
        [spec.postedAt === undefined ? "postedOn" : "postedAt"],
        gateway === null
          ? "a payment created as a draft has no posting date yet"
          : "a payment charged through a gateway is posted when the gateway approves it"
      )
    }
    // Inside a bulk unit (an import) the insert's unique index answers instead (`insertNumbered`):
    // one read fewer per imported payment, the same `Conflict` when the external ref is taken.
    if (
      spec.externalRef &&
      (yield* BulkBooking) === null &&
      (yield* store.payments.getByExternalRef(spec.externalRef)) !== null
    ) {
      return yield* duplicateImport(spec.externalRef)
    }
    const planned = yield* planAllocations(
      { customerId: customer.id, currency: customer.currency },
      spec.amount,
      spec.allocations,
      documents
    )
    const allocatedAmount = spec.allocations.reduce((total, request) => total + request.amount, 0n)

    const at = yield* now
    const date = yield* today
    // The posting day and instant: the client's when stated (LogiSense `posting`), else today and now.
    const postedOn = spec.postedOn ?? (spec.postedAt === undefined ? date : toBusinessDate(spec.postedAt))
    // Without a gateway the payment is booked posted in one go: inserted in its final state
    // (numbered, posting dates, balance after, allocated amount), its allocations booked at once
    // on the documents read above under the lock, the balance moved on the row read under the
    // lock, every event written together; otherwise it starts as a draft.
    const straightToPosted = gateway === null && spec.initialState !== "draft"
    const postedState = straightToPosted ? yield* paymentTransition({ state: "draft" }, "post") : null
    const draft: NumberlessPayment = {
      publicId: newPublicId(),
      customerId: customer.id,
      currency: customer.currency,
      amount: spec.amount,
      state: "draft",
      paymentDate: spec.paymentDate ?? (spec.receivedAt == null ? date : toBusinessDate(spec.receivedAt)),
      receivedAt: spec.receivedAt ?? null,
      postedOn: null,
      postedAt: null,
      balanceAfterPosting: null,
      methodId: method?.id ?? null,
      typeId: paymentType?.id ?? null,
      gatewayId: gateway?.id ?? null,
      gatewayReference: null,
      billingEntityId,
      reversedAmount: 0n,
      allocatedAmount: 0n,
      refundedAmount: 0n,
      rejectionReason: null,
      rejectedAt: null,
      cancelledAt: null,
      reversalDate: null,
      references: {
        description: spec.description ?? null,
        notes: spec.notes ?? null,
        reference: spec.reference ?? null,
        customerReference: spec.customerReference ?? null,
        checkNumber: spec.checkNumber ?? null,
        thirdPartyReference: spec.thirdPartyReference ?? null
      },
      customFields: spec.customFields ?? {},
      externalRef: spec.externalRef ?? null,
      sourceRecord: spec.sourceRecord ?? null,
      origin: context.origin,
      createdBy: context.principal.id,
      createdAt: at,
      updatedAt: at,
      version: 1
    }
    const row: NumberlessPayment =
      postedState === null
        ? draft
        : {
            ...draft,
            state: postedState,
            postedOn,
            postedAt: spec.postedAt ?? at,
            balanceAfterPosting: customer.balance + spec.amount,
            allocatedAmount
          }
    const inserted = yield* Effect.result(insertNumbered(row, postedState !== null))
    // Every other reference of the row was read above and the customer is locked: a refused
    // reference is the billing entity, reported as its read reported it.
    if (inserted._tag === "Failure") {
      const refusal = inserted.failure
      return yield* refusal._tag === "ValidationFailed" && unprovenEntity !== null
        ? Effect.fail(notFound("billing-entity", unprovenEntity))
        : Effect.fail(refusal)
    }
    let created: Payment = inserted.success
    const createdEvent = {
      ...paymentEventOf("payment.created", created, {
        referenceNumber: created.referenceNumber,
        amount: minor(created.amount),
        currency: created.currency,
        paymentDate: created.paymentDate
      }),
      // The caller's dialect record of the payment is written with its creation event.
      ...(record === undefined
        ? {}
        : {
            attachedRecord: {
              dialect: record.dialect,
              kind: record.kind,
              key: record.keyedBy === "payment-public-id" ? created.publicId : String(created.id),
              data: maskCardNumbersDeep(record.data) as Record<string, unknown>,
              ...(record.listColumns === undefined ? {} : { listColumns: record.listColumns })
            }
          })
    }

    if (postedState !== null) {
      // The events a draft allocated and then posted would log, in that order, written at once.
      const booked =
        spec.allocations.length === 0
          ? { allocations: [], reservedEvents: [], bookedEvents: [] }
          : yield* bookAllocationsOfNewPayment(created, spec.allocations, planned)
      const movement = {
        delta: created.amount,
        kind: "payment-posted",
        paymentId: created.id,
        description: `payment ${created.number} posted`
      } as const
      // The balance after, as the movement books it (the row read under the lock, unchanged since).
      const events = [
        createdEvent,
        ...booked.reservedEvents,
        postedEvent(created, customer.balance + created.amount, spec.postedAt),
        ...booked.bookedEvents
      ]
      // Outside a bulk unit the movement and the events are one store call (one statement on PostgreSQL);
      // a bulk unit keeps its movements and writes them at its end.
      if ((yield* BulkBooking) === null) {
        yield* moveBalanceWithEvents(customer, movement, yield* eventRows(events))
      } else {
        yield* moveBalanceOf(customer, movement)
        yield* recordEvents(events)
      }
      return opened(created, { ...noChildren, allocations: booked.allocations })
    }
    yield* recordEvents([createdEvent])
    if (gateway === null) {
      created = yield* applyAllocations(created, spec.allocations)
      return opened(created, spec.allocations.length === 0 ? noChildren : null)
    }
    // Booked first: pending, allocated, with its charge attempt; the gateway is called after the commit.
    created = yield* applyAllocations(created, spec.allocations)
    const submitted = yield* submitForCollection(created, "card", null)
    yield* bookChargeAttempt(submitted, gateway, cardToken)
    return opened(submitted, null)
  })

/** A new payment and, when this unit knows them without a read, what hangs off it (`null`: read them). */
export interface OpenedPayment {
  readonly payment: Payment
  readonly children: PaymentChildren | null
}

const opened = (payment: Payment, children: PaymentChildren | null): OpenedPayment => ({ payment, children })

/** The detail of a payment just opened, read only when the unit does not know its children. */
export const openedDetail = (created: OpenedPayment) =>
  created.children === null
    ? paymentDetail(created.payment)
    : Effect.succeed(detailOf(created.payment, created.children))

/** A new payment's row before its numbers are drawn. */
type NumberlessPayment = Omit<New<Payment>, "referenceNumber" | "number">

/**
 * Inserts a new payment under the next reference number (and, when `numbered`, the next posting
 * number): outside a bulk unit drawn and inserted together (`payments.insertNumbered`: one
 * statement on PostgreSQL, so the counters stay locked for one round trip less); in a bulk unit
 * drawn from its counters (`nextSequences`), then inserted. The unique indexes answer whether a
 * number is free (payments imported with their own numbers can hold one): when the insert finds a
 * key taken, the taken number is skipped and the insert tried again.
 */
const insertNumbered = Effect.fnUntraced(function* (row: NumberlessPayment, numbered: boolean) {
  const store = yield* LedgerStore
  const inBulk = (yield* BulkBooking) !== null
  const first = inBulk
    ? yield* Effect.map(
        store.nextSequences(numbered ? ["payment-reference", "payment-number"] : ["payment-reference"]),
        (drawn) => ({ referenceNumber: String(drawn[0]), number: numbered ? String(drawn[1]) : null, payment: null })
      )
    : yield* store.payments.insertNumbered(row, numbered)
  if (first.payment !== null) return first.payment
  let referenceNumber = first.referenceNumber
  let number = first.number
  let candidate: New<Payment> = { ...row, referenceNumber, number }
  // Outside a bulk unit the first insert was tried with the draw (and found a key taken).
  let inserted: Payment | null = null
  let tried = !inBulk
  while (true) {
    if (!tried) inserted = yield* store.payments.insertUnlessTaken(candidate)
    tried = false
    if (inserted !== null) return inserted
    if ((yield* store.payments.getByReferenceNumber(referenceNumber)) !== null) {
      referenceNumber = String(yield* store.nextSequence("payment-reference"))
    } else if (number !== null && (yield* store.payments.getByNumber(number)) !== null) {
      number = String(yield* store.nextSequence("payment-number"))
    } else if (row.externalRef !== null && (yield* store.payments.getByExternalRef(row.externalRef)) !== null) {
      return yield* duplicateImport(row.externalRef)
    } else {
      // Only the random public id can be left: draw another.
      candidate = { ...candidate, publicId: newPublicId() }
    }
    candidate = { ...candidate, referenceNumber, number }
  }
})

const duplicateImport = (ref: ExternalRef) =>
  new Conflict({ reason: "duplicate", message: `a payment imported from ${ref.system} ${ref.id} exists` })

/** A command's explicit allocations, each amount parsed exactly in the payment's currency. */
export const parseAllocationRequests = (
  requests: ReadonlyArray<{ readonly documentId: DocumentId; readonly amount: C.AmountInput }>,
  currency: Customer["currency"]
) =>
  Effect.forEach(requests, (request, index) =>
    Effect.map(
      parsePositiveAmount(request.amount, currency, ["allocations", index, "amount"]),
      (amount): AllocationRequest => ({
        documentId: request.documentId,
        amount,
        documentPath: ["allocations", index, "documentId"]
      })
    )
  )

/**
 * What is left of a payment after its explicit allocations, spread over the customer's unpaid
 * invoices and bills oldest first (issue date, then id). Runs under the customer lock, so
 * concurrent payments of one customer each see the documents the previous one left unpaid.
 */
export const oldestFirstAllocations = (
  customer: Customer,
  amount: bigint,
  explicit: ReadonlyArray<AllocationRequest>
) =>
  Effect.gen(function* () {
    const store = yield* LedgerStore
    const taken = new Map<DocumentId, bigint>()
    let left = amount
    for (const request of explicit) {
      taken.set(request.documentId, (taken.get(request.documentId) ?? 0n) + request.amount)
      left -= request.amount
    }
    const planned: Array<AllocationRequest> = []
    let cursor: string | null = null
    while (left > 0n) {
      const page: Page<Document> = yield* store.documents
        .list({
          customerId: customer.id,
          kinds: ["invoice", "bill"],
          states: ["issued"],
          unpaidOnly: true,
          order: "oldest",
          cursor,
          limit: 100
        })
        .pipe(Effect.catchTag("ValidationFailed", Effect.die))
      for (const document of page.items) {
        if (left === 0n) break
        if (document.currency !== customer.currency) continue
        const open = document.outstanding - (taken.get(document.id) ?? 0n)
        if (open <= 0n) continue
        const share = open < left ? open : left
        planned.push({ documentId: document.id, amount: share, documentPath: ["allocateOldestFirst"] })
        left -= share
      }
      if (page.nextCursor === null) break
      cursor = page.nextCursor
    }
    return planned
  })

/**
 * Inserts a dialect's records of a payment created in this unit (`CreatePaymentForInput.records`),
 * each keyed by the payment's public id, one statement apiece: the payment was just created for its
 * locked customer in the principal's scope, so nothing needs reading first. Card numbers in their
 * data are masked like every other record's. A key taken already (a concurrent save under the new
 * public id) is a concurrent modification, as in `saveDialectRecord`.
 */
export const insertPaymentRecords = (payment: Payment, records: ReadonlyArray<C.NewPaymentRecord>) =>
  Effect.gen(function* () {
    const store = yield* LedgerStore
    const at = yield* now
    for (const record of records) {
      yield* store.dialectRecords
        .insert({
          dialect: record.dialect,
          kind: record.kind,
          key: payment.publicId,
          customerId: payment.customerId,
          paymentId: payment.id,
          data: maskCardNumbersDeep(record.data) as Record<string, unknown>,
          createdAt: at,
          updatedAt: at
        })
        .pipe(
          Effect.catchIf(
            (error) => error instanceof Conflict && error.reason === "duplicate",
            (error) => Effect.fail(new Conflict({ reason: "concurrent-modification", message: error.message }))
          )
        )
    }
  })
