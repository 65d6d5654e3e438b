/**
 * Opening a payment for a locked customer, as `createPayment` and `payDocument` both do: presets
 * and references checked, the payment inserted as a draft, allocated and posted; or, through a
 * gateway this server drives, allocated, left pending with a charge attempt booked, the gateway
 * called after the commit (`gateway-attempts.ts`). Also the allocations a new payment asks for (explicit ones parsed exactly, and the
 * rest of the payment spread over the customer's unpaid invoices and bills oldest first).
 */
import { Effect } from "effect"
import { Conflict, validationFailed } from "../../errors.ts"
import { newPublicId, type Page, toBusinessDate } from "../../model/common.ts"
import type { DocumentId, PresetId } from "../../model/ids.ts"
import type { Customer, Document, PaymentPreset } from "../../model/records.ts"
import { LedgerStore } from "../../ports/ledger-store.ts"
import { PaymentGateways } from "../../ports/payment-gateway.ts"
import { now, today } from "../clock.ts"
import { CommandContext } from "../command-context.ts"
import type * as C from "../ledger-commands.ts"
import { type AllocationRequest, applyAllocations, planAllocations } from "./allocation-book.ts"
import { submitForCollection } from "./collection-steps.ts"
import { type FieldPath, parsePositiveAmount } from "./exact-amounts.ts"
import { bookChargeAttempt } from "./gateway-attempts.ts"
import { minor } from "./ledger-events.ts"
import { bookPosting, paymentEvent } from "./payment-posting.ts"
import { existingBillingEntity, existingGateway, existingPreset } from "./record-access.ts"

/** A new payment's fields, amount parsed, allocations resolved. */
export type NewPaymentSpec = Omit<C.CreatePaymentInput, "customerId" | "currency" | "amount" | "allocations"> & {
  readonly amount: bigint
  readonly allocations: ReadonlyArray<AllocationRequest>
}

/** A preset of the given kind that is available (a payment method or type named by a command). */
export const availablePreset = (id: PresetId, kind: PaymentPreset["kind"], path: FieldPath) =>
  Effect.gen(function* () {
    const row = yield* existingPreset(id)
    if (row.kind !== kind) {
      return yield* validationFailed(path, `preset ${id} is a payment ${row.kind}, not a ${kind}`)
    }
    if (!row.available) return yield* validationFailed(path, `payment ${kind} ${row.code} is not available`)
    return row
  })

/**
 * Creates a payment for a locked customer: validates references and allocations first, then
 * inserts it as a draft, allocates and posts it, or books its gateway charge (pending).
 */
export const openPayment = (customer: Customer, spec: NewPaymentSpec) =>
  Effect.gen(function* () {
    const store = yield* LedgerStore
    const context = yield* CommandContext
    const method = spec.methodId == null ? null : yield* availablePreset(spec.methodId, "method", ["methodId"])
    const paymentType = spec.typeId == null ? null : yield* availablePreset(spec.typeId, "type", ["typeId"])
    const billingEntityId = spec.billingEntityId === undefined ? customer.billingEntityId : spec.billingEntityId
    if (billingEntityId !== null) {
      yield* existingBillingEntity(billingEntityId)
    }
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
    if (spec.externalRef && (yield* store.payments.getByExternalRef(spec.externalRef)) !== null) {
      return yield* new Conflict({
        reason: "duplicate",
        message: `a payment imported from ${spec.externalRef.system} ${spec.externalRef.id} exists`
      })
    }
    yield* planAllocations({ customerId: customer.id, currency: customer.currency }, spec.amount, spec.allocations)

    let referenceNumber: string
    do {
      referenceNumber = String(yield* store.nextSequence("payment-reference"))
    } while ((yield* store.payments.getByReferenceNumber(referenceNumber)) !== null)
    const at = yield* now
    const date = yield* today
    let created = yield* store.payments.insert({
      publicId: newPublicId(),
      referenceNumber,
      number: null,
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
    })
    yield* paymentEvent("payment.created", created, {
      referenceNumber,
      amount: minor(created.amount),
      currency: created.currency,
      paymentDate: created.paymentDate
    })

    if (gateway === null) {
      created = yield* applyAllocations(created, spec.allocations)
      if (spec.initialState !== "draft") created = yield* bookPosting(created, date)
      return created
    }
    // Booked first: pending, allocated, with its charge attempt; the gateway is called after the commit.
    created = yield* applyAllocations(created, spec.allocations)
    const submitted = yield* submitForCollection(created, "card", null)
    yield* bookChargeAttempt(submitted, gateway, cardToken)
    return submitted
  })

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
