/**
 * Ledger operations on payments: creation (optionally charged through a gateway and allocated in
 * the same transaction), edits, lookups and lists, the draft → posted/rejected/cancelled
 * lifecycle with posting-time numbering, partial and repeated reversals with reinstatement, the
 * collection sub-lifecycle, allocations to documents and paying a document in one step.
 *
 * Amount rules kept here: a payment's allocations never exceed `amount − reversed − refunded`
 * (a reversal or refund first releases the newest allocations that no longer fit), a document's
 * allocations never exceed its total, and every posting, reversal and reinstatement moves the
 * customer's running balance by exactly the amount concerned.
 */
import { Effect, Result } from "effect"
import { scopedCustomerIds } from "../auth/permissions.ts"
import { Conflict, validationFailed } from "../errors.ts"
import { type CollectionAction, nextCollectionState } from "../lifecycle/collection-lifecycle.ts"
import { type BusinessDate, newPublicId, type Page, type RecordId, toBusinessDate } from "../model/common.ts"
import {
  type Collection,
  type Customer,
  type Document,
  Payment,
  type PaymentPreset,
  type Reversal
} from "../model/records.ts"
import { now, today } from "./clock.ts"
import { type LedgerShape, PaymentDetail } from "./ledger.ts"
import { type AllocationRequest, effectiveAmount, makeAllocationBook, newestFirst } from "./ledger-allocations.ts"
import type * as C from "./ledger-commands.ts"
import { type FieldPath, type LedgerKit, minor } from "./ledger-kit.ts"

type PaymentOperations = Pick<
  LedgerShape,
  | "createPayment"
  | "updatePayment"
  | "getPayment"
  | "listPayments"
  | "paymentOverview"
  | "postPayment"
  | "rejectPayment"
  | "cancelPayment"
  | "reversePayment"
  | "reinstateReversal"
  | "requestCollection"
  | "markCollected"
  | "cancelCollection"
  | "failCollection"
  | "allocatePayment"
  | "deallocate"
  | "payDocument"
>

/** A new payment's fields, amount parsed, allocations resolved. */
type NewPaymentSpec = Omit<C.CreatePaymentInput, "customerId" | "currency" | "amount" | "allocations"> & {
  readonly amount: bigint
  readonly allocations: ReadonlyArray<AllocationRequest>
}

const referenceFields = [
  "description",
  "notes",
  "reference",
  "customerReference",
  "checkNumber",
  "thirdPartyReference"
] as const

export const makePaymentOperations = (kit: LedgerKit): PaymentOperations => {
  const { store } = kit
  const { planAllocations, applyAllocations, releaseAllocations, fitAllocations } = makeAllocationBook(kit)

  const preset = (id: RecordId, kind: PaymentPreset["kind"], path: FieldPath) =>
    Effect.gen(function* () {
      const row = yield* Effect.flatMap(store.presets.get(id), kit.found("preset", id))
      if (row.kind !== kind) {
        return yield* validationFailed(path, `preset ${id} is a payment ${row.kind}, not a ${kind}`)
      }
      if (!row.available) return yield* validationFailed(path, `payment ${kind} ${row.code} is not available`)
      return row
    })

  /** Posts a draft or pending payment: number, posting dates, balance movement, event. */
  const post = (target: Payment, postedOn: BusinessDate, changes: Partial<Payment> = {}) =>
    Effect.gen(function* () {
      const state = yield* kit.paymentTransition(target, "post")
      let number: string
      do {
        number = String(yield* store.nextSequence("payment-number"))
      } while ((yield* store.payments.getByNumber(number)) !== null)
      const entry = yield* kit.moveBalance(target.customerId, {
        delta: target.amount,
        kind: "payment-posted",
        paymentId: target.id,
        description: `payment ${number} posted`
      })
      const posted = yield* kit.savePayment(target, {
        ...changes,
        state,
        number,
        postedOn,
        postedAt: yield* now,
        balanceAfterPosting: entry.balanceAfter
      })
      yield* kit.recordEvent({
        type: "payment.posted",
        entity: "payment",
        entityId: posted.id,
        customerId: posted.customerId,
        paymentId: posted.id,
        data: {
          number,
          amount: minor(posted.amount),
          currency: posted.currency,
          postedOn,
          balanceAfter: minor(entry.balanceAfter)
        }
      })
      return posted
    })

  const openCollection = (target: Payment) =>
    Effect.map(
      store.collections.listByPayment(target.id),
      (rows) => newestFirst(rows).find((row) => row.state === "requested") ?? null
    )

  /** Moves a collection through its lifecycle table; a refusal is `InvalidTransition`. */
  const advanceCollection = (collection: Collection, action: CollectionAction, changes: Partial<Collection>) =>
    Effect.gen(function* () {
      const next = nextCollectionState(collection.state, action)
      if (Result.isFailure(next)) {
        return yield* kit.refused("collection", collection.id, collection.state, action, next.failure)
      }
      return yield* store.collections.update({ ...collection, ...changes, state: next.success })
    })

  const collectionEvent = (
    type: "collection.requested" | "collection.collected" | "collection.cancelled" | "collection.failed",
    collection: Collection,
    owner: Payment,
    data: Record<string, unknown> = {}
  ) =>
    kit.recordEvent({
      type,
      entity: "collection",
      entityId: collection.id,
      customerId: owner.customerId,
      paymentId: owner.id,
      data: { method: collection.method, gatewayReference: collection.gatewayReference, ...data }
    })

  const paymentEvent = (
    type: Parameters<LedgerKit["recordEvent"]>[0]["type"],
    owner: Payment,
    data: Record<string, unknown>
  ) =>
    kit.recordEvent({
      type,
      entity: "payment",
      entityId: owner.id,
      customerId: owner.customerId,
      paymentId: owner.id,
      data
    })

  /** Opens a collection on a draft payment (it goes pending). */
  const submitForCollection = (
    target: Payment,
    method: Collection["method"],
    gatewayReference: string | null,
    changes: Partial<Payment> = {}
  ) =>
    Effect.gen(function* () {
      const state = yield* kit.paymentTransition(target, "submit")
      const collection = yield* store.collections.insert({
        paymentId: target.id,
        method,
        state: "requested",
        gatewayReference,
        failureReason: null,
        requestedAt: yield* now,
        collectedAt: null,
        cancelledAt: null,
        failedAt: null
      })
      const submitted = yield* kit.savePayment(target, { ...changes, state })
      yield* paymentEvent("payment.submitted", submitted, { collectionId: collection.id, method })
      yield* collectionEvent("collection.requested", collection, submitted)
      return submitted
    })

  /**
   * Creates a payment for a locked customer: validates references and allocations first, then
   * inserts it as a draft and, in order, charges the gateway (if any), allocates and posts.
   */
  const openPayment = (customer: Customer, spec: NewPaymentSpec) =>
    Effect.gen(function* () {
      const context = yield* kit.commandContext
      const method = spec.methodId == null ? null : yield* preset(spec.methodId, "method", ["methodId"])
      const paymentType = spec.typeId == null ? null : yield* preset(spec.typeId, "type", ["typeId"])
      const billingEntityId = spec.billingEntityId === undefined ? customer.billingEntityId : spec.billingEntityId
      if (billingEntityId !== null) {
        yield* Effect.flatMap(store.billingEntities.get(billingEntityId), kit.found("billing-entity", billingEntityId))
      }
      const gatewayId = spec.gatewayId ?? method?.gatewayId ?? null
      const gateway =
        gatewayId === null
          ? null
          : yield* Effect.flatMap(store.gateways.get(gatewayId), kit.found("gateway", gatewayId))
      const cardToken = spec.cardToken ?? null
      if (gateway !== null && !gateway.enabled) {
        return yield* validationFailed(["gatewayId"], `gateway ${gateway.code} is disabled`)
      }
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
        paymentDate: spec.paymentDate ?? date,
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
        if (spec.initialState !== "draft") created = yield* post(created, date)
        return created
      }
      const outcome = yield* kit.gateways.charge({
        gateway,
        amount: created.amount,
        currency: created.currency,
        token: cardToken,
        reference: created.referenceNumber
      })
      switch (outcome.status) {
        case "approved": {
          created = yield* applyAllocations(created, spec.allocations)
          return yield* post(created, date, { gatewayReference: outcome.gatewayReference })
        }
        case "pending": {
          created = yield* applyAllocations(created, spec.allocations)
          return yield* submitForCollection(created, "card", outcome.gatewayReference, {
            gatewayReference: outcome.gatewayReference
          })
        }
        case "declined": {
          const state = yield* kit.paymentTransition(created, "reject")
          const rejected = yield* kit.savePayment(created, {
            state,
            rejectionReason: outcome.message,
            rejectedAt: yield* now,
            gatewayReference: outcome.gatewayReference
          })
          yield* paymentEvent("payment.rejected", rejected, {
            reason: outcome.message,
            gatewayReference: outcome.gatewayReference
          })
          return rejected
        }
      }
    })

  /** Shared body of cancelCollection and failCollection: the collection ends, the payment returns to draft. */
  const unwindCollection = (input: C.CollectionOutcomeInput, action: "cancel" | "fail") =>
    Effect.gen(function* () {
      const { payment: target } = yield* kit.lockPayment(input.paymentId)
      const collection = yield* openCollection(target)
      if (collection === null) {
        return yield* kit.refused(
          "payment",
          target.id,
          target.state,
          `${action}-collection`,
          "the payment has no requested collection"
        )
      }
      const at = yield* now
      const reason = input.reason ?? null
      const ended = yield* advanceCollection(
        collection,
        action,
        action === "cancel"
          ? { cancelledAt: at, gatewayReference: input.gatewayReference ?? collection.gatewayReference }
          : {
              failedAt: at,
              failureReason: reason,
              gatewayReference: input.gatewayReference ?? collection.gatewayReference
            }
      )
      const state = yield* kit.paymentTransition(target, "fail-collection")
      const draft = yield* kit.savePayment(target, { state })
      if (action === "cancel") {
        yield* collectionEvent("collection.cancelled", ended, draft, { reason })
        yield* paymentEvent("payment.updated", draft, {
          state,
          previousState: target.state,
          reason: "collection cancelled"
        })
      } else {
        yield* collectionEvent("collection.failed", ended, draft, { reason })
        yield* paymentEvent("payment.collection-failed", draft, { collectionId: ended.id, reason })
      }
      return yield* kit.paymentDetail(draft)
    })

  const parseAllocationRequests = (
    requests: ReadonlyArray<{ readonly documentId: RecordId; readonly amount: C.AmountInput }>,
    currency: Customer["currency"]
  ) =>
    Effect.forEach(requests, (request, index) =>
      Effect.map(
        kit.parsePositiveAmount(request.amount, currency, ["allocations", index, "amount"]),
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
  const oldestFirstAllocations = (customer: Customer, amount: bigint, explicit: ReadonlyArray<AllocationRequest>) =>
    Effect.gen(function* () {
      const taken = new Map<RecordId, bigint>()
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

  return {
    createPayment: Effect.fn("Ledger.createPayment")(function* (input: C.CreatePaymentInput) {
      return yield* kit.mutation(
        "createPayment",
        input,
        PaymentDetail,
        Effect.gen(function* () {
          const customer = yield* kit.lockCustomer(input.customerId)
          const currency = yield* kit.ensureCurrency(input.currency, customer)
          const amount = yield* kit.parsePositiveAmount(input.amount, currency, ["amount"])
          const explicit = yield* parseAllocationRequests(input.allocations ?? [], currency)
          const allocations = input.allocateOldestFirst
            ? [...explicit, ...(yield* oldestFirstAllocations(customer, amount, explicit))]
            : explicit
          const {
            customerId: _customerId,
            currency: _currency,
            amount: _amount,
            allocations: _allocations,
            allocateOldestFirst: _allocateOldestFirst,
            ...rest
          } = input
          const created = yield* openPayment(customer, { ...rest, amount, allocations })
          return yield* kit.paymentDetail(created)
        })
      )
    }),

    updatePayment: Effect.fn("Ledger.updatePayment")(function* (input: C.UpdatePaymentInput) {
      return yield* kit.paymentMutation("updatePayment", input, Payment, (target) =>
        Effect.gen(function* () {
          const draftOnly = (field: string) =>
            target.state === "draft"
              ? Effect.void
              : Effect.fail(
                  validationFailed(
                    [field],
                    `${field} can only change while the payment is a draft (it is ${target.state})`
                  )
                )
          const changes: { -readonly [K in keyof Payment]?: Payment[K] } = {}
          if (input.amount !== undefined) {
            yield* draftOnly("amount")
            const amount = yield* kit.parsePositiveAmount(input.amount, target.currency, ["amount"])
            if (amount < target.allocatedAmount) {
              return yield* new Conflict({
                reason: "over-allocation",
                message: `${minor(target.allocatedAmount)} minor units are allocated; the amount cannot go below that`
              })
            }
            changes.amount = amount
          }
          if (input.paymentDate !== undefined) {
            yield* draftOnly("paymentDate")
            changes.paymentDate = input.paymentDate
          }
          if (input.methodId !== undefined) {
            yield* draftOnly("methodId")
            changes.methodId =
              input.methodId === null ? null : (yield* preset(input.methodId, "method", ["methodId"])).id
          }
          if (input.typeId !== undefined) {
            yield* draftOnly("typeId")
            changes.typeId = input.typeId === null ? null : (yield* preset(input.typeId, "type", ["typeId"])).id
          }
          const references = { ...target.references }
          for (const field of referenceFields) {
            const value = input[field]
            if (value !== undefined) references[field] = value
          }
          if (input.customFields !== undefined) changes.customFields = input.customFields
          const changedFields = [
            ...Object.keys(changes),
            ...referenceFields.filter((field) => input[field] !== undefined)
          ]
          const updated = yield* kit.savePayment(target, { ...changes, references })
          yield* paymentEvent("payment.updated", updated, {
            fields: changedFields,
            ...(changes.amount === undefined ? {} : { amount: minor(changes.amount) })
          })
          return updated
        })
      )
    }),

    getPayment: Effect.fn("Ledger.getPayment")(function* (lookup: C.PaymentLookup) {
      return yield* kit.query(
        "getPayment",
        Effect.gen(function* () {
          const [row, shown] =
            "id" in lookup
              ? [yield* store.payments.get(lookup.id), String(lookup.id)]
              : "publicId" in lookup
                ? [yield* store.payments.getByPublicId(lookup.publicId), lookup.publicId]
                : "referenceNumber" in lookup
                  ? [yield* store.payments.getByReferenceNumber(lookup.referenceNumber), lookup.referenceNumber]
                  : "number" in lookup
                    ? [yield* store.payments.getByNumber(lookup.number), lookup.number]
                    : [
                        yield* store.payments.getByExternalRef(lookup.externalRef),
                        `${lookup.externalRef.system}:${lookup.externalRef.id}`
                      ]
          const found = yield* kit.found("payment", shown)(row)
          yield* kit.inScope(found.customerId)
          return yield* kit.paymentDetail(found)
        })
      )
    }),

    listPayments: Effect.fn("Ledger.listPayments")(function* (input: C.PaymentQueryInput) {
      return yield* kit.query(
        "listPayments",
        Effect.gen(function* () {
          if (input.customerId !== undefined) yield* kit.inScope(input.customerId)
          const { cursor: _cursor, limit: _limit, order, amountMin, amountMax, ...filters } = input
          const currency = input.currency
          if ((amountMin !== undefined || amountMax !== undefined) && currency === undefined) {
            return yield* validationFailed(["currency"], "choose a currency to filter by amount")
          }
          const bound = (value: C.AmountInput | undefined, path: FieldPath) =>
            value === undefined || currency === undefined
              ? Effect.succeed(undefined)
              : kit.parseAmount(value, currency, path)
          return yield* store.payments.list({
            ...kit.paging(input),
            ...filters,
            amountMin: yield* bound(amountMin, ["amountMin"]),
            amountMax: yield* bound(amountMax, ["amountMax"]),
            customerIds: scopedCustomerIds(yield* kit.principal),
            order: order ?? "newest"
          })
        })
      )
    }),

    paymentOverview: Effect.fn("Ledger.paymentOverview")(function* (input: C.OverviewInput) {
      return yield* kit.query(
        "paymentOverview",
        Effect.gen(function* () {
          const to = input.to ?? (yield* today)
          const from = input.from ?? toBusinessDate(new Date(Date.parse(`${to}T00:00:00Z`) - 29 * 86_400_000))
          if (from > to) return yield* validationFailed(["from"], "from must not be after to")
          return yield* store.payments.overview({
            from,
            to,
            customerIds: scopedCustomerIds(yield* kit.principal),
            topDebtors: input.topDebtors ?? 10
          })
        })
      )
    }),

    postPayment: Effect.fn("Ledger.postPayment")(function* (input: C.PostPaymentInput) {
      return yield* kit.paymentMutation("postPayment", input, Payment, (target) =>
        Effect.gen(function* () {
          yield* kit.paymentTransition(target, "post")
          const collection = target.state === "pending" ? yield* openCollection(target) : null
          if (collection !== null) {
            const collected = yield* advanceCollection(collection, "collect", { collectedAt: yield* now })
            yield* collectionEvent("collection.collected", collected, target)
          }
          return yield* post(target, input.postedOn ?? (yield* today))
        })
      )
    }),

    rejectPayment: Effect.fn("Ledger.rejectPayment")(function* (input: C.RejectPaymentInput) {
      return yield* kit.paymentMutation("rejectPayment", input, Payment, (target) =>
        Effect.gen(function* () {
          const state = yield* kit.paymentTransition(target, "reject")
          const released = yield* releaseAllocations(
            target,
            yield* store.allocations.listByPayment(target.id),
            "payment rejected"
          )
          const rejected = yield* kit.savePayment(released, {
            state,
            rejectionReason: input.reason,
            rejectedAt: yield* now
          })
          yield* paymentEvent("payment.rejected", rejected, { reason: input.reason })
          return rejected
        })
      )
    }),

    cancelPayment: Effect.fn("Ledger.cancelPayment")(function* (input: C.CancelPaymentInput) {
      return yield* kit.paymentMutation("cancelPayment", input, Payment, (target) =>
        Effect.gen(function* () {
          const state = yield* kit.paymentTransition(target, "cancel")
          const at = yield* now
          const collection = yield* openCollection(target)
          if (collection !== null) {
            const cancelled = yield* advanceCollection(collection, "cancel", { cancelledAt: at })
            yield* collectionEvent("collection.cancelled", cancelled, target, { reason: "payment cancelled" })
          }
          const released = yield* releaseAllocations(
            target,
            yield* store.allocations.listByPayment(target.id),
            "payment cancelled"
          )
          const cancelled = yield* kit.savePayment(released, { state, cancelledAt: at })
          yield* paymentEvent("payment.cancelled", cancelled, {
            previousState: target.state,
            reason: input.reason ?? null
          })
          return cancelled
        })
      )
    }),

    reversePayment: Effect.fn("Ledger.reversePayment")(function* (input: C.ReversePaymentInput) {
      return yield* kit.paymentMutation("reversePayment", input, PaymentDetail, (target) =>
        Effect.gen(function* () {
          yield* kit.paymentTransition(target, "reverse")
          const left = effectiveAmount(target)
          const amount =
            input.amount === undefined
              ? left
              : yield* kit.parsePositiveAmount(input.amount, target.currency, ["amount"])
          if (left === 0n || amount > left) {
            return yield* new Conflict({
              reason: "insufficient-amount",
              message: `only ${minor(left)} minor units of payment ${target.id} can still be reversed`
            })
          }
          const effectiveDate = input.effectiveDate ?? (yield* today)
          const reversal = yield* store.reversals.insert({
            paymentId: target.id,
            amount,
            effectiveDate,
            reversedAt: yield* now,
            reason: input.reason ?? null,
            reinstatedAt: null
          })
          const reversed = yield* kit.savePayment(target, {
            reversedAmount: target.reversedAmount + amount,
            reversalDate: effectiveDate
          })
          const entry = yield* kit.moveBalance(target.customerId, {
            delta: -amount,
            kind: "payment-reversed",
            paymentId: target.id,
            reversalId: reversal.id,
            description: `payment ${target.number ?? target.referenceNumber} reversed`
          })
          yield* paymentEvent("payment.reversed", reversed, {
            reversalId: reversal.id,
            amount: minor(amount),
            effectiveDate,
            reason: reversal.reason,
            reversedAmount: minor(reversed.reversedAmount),
            balanceAfter: minor(entry.balanceAfter)
          })
          const fitted = yield* fitAllocations(reversed, "payment reversed")
          return yield* kit.paymentDetail(fitted)
        })
      )
    }),

    reinstateReversal: Effect.fn("Ledger.reinstateReversal")(function* (input: C.ReinstateReversalInput) {
      return yield* kit.paymentMutation("reinstateReversal", input, PaymentDetail, (target) =>
        Effect.gen(function* () {
          yield* kit.paymentTransition(target, "reinstate")
          const reversals = newestFirst(yield* store.reversals.listByPayment(target.id))
          const active = reversals.filter((reversal) => reversal.reinstatedAt === null)
          let chosen: Reversal | undefined
          if (input.reversalId === undefined) {
            chosen = active[0]
            if (chosen === undefined) {
              return yield* kit.refused(
                "payment",
                target.id,
                target.state,
                "reinstate",
                "the payment has no active reversal"
              )
            }
          } else {
            const reversalId = input.reversalId
            chosen = yield* kit.found("reversal", reversalId)(reversals.find((row) => row.id === reversalId) ?? null)
            if (chosen.reinstatedAt !== null) {
              return yield* kit.refused(
                "reversal",
                chosen.id,
                "reinstated",
                "reinstate",
                "the reversal was already reinstated"
              )
            }
          }
          const reinstated = yield* store.reversals.update({ ...chosen, reinstatedAt: yield* now })
          const latestActive = active.find((reversal) => reversal.id !== reinstated.id)
          const restored = yield* kit.savePayment(target, {
            reversedAmount: target.reversedAmount - reinstated.amount,
            reversalDate: latestActive?.effectiveDate ?? null
          })
          const entry = yield* kit.moveBalance(target.customerId, {
            delta: reinstated.amount,
            kind: "payment-reinstated",
            paymentId: target.id,
            reversalId: reinstated.id,
            description: `payment ${target.number ?? target.referenceNumber} reinstated`
          })
          yield* paymentEvent("payment.reinstated", restored, {
            reversalId: reinstated.id,
            amount: minor(reinstated.amount),
            reversedAmount: minor(restored.reversedAmount),
            balanceAfter: minor(entry.balanceAfter)
          })
          return yield* kit.paymentDetail(restored)
        })
      )
    }),

    requestCollection: Effect.fn("Ledger.requestCollection")(function* (input: C.RequestCollectionInput) {
      return yield* kit.paymentMutation("requestCollection", input, PaymentDetail, (target) =>
        Effect.gen(function* () {
          const submitted = yield* submitForCollection(target, input.method, input.gatewayReference ?? null)
          return yield* kit.paymentDetail(submitted)
        })
      )
    }),

    markCollected: Effect.fn("Ledger.markCollected")(function* (input: C.CollectionOutcomeInput) {
      return yield* kit.paymentMutation("markCollected", input, PaymentDetail, (target) =>
        Effect.gen(function* () {
          const collection = yield* openCollection(target)
          if (collection === null) {
            return yield* kit.refused(
              "payment",
              target.id,
              target.state,
              "collect",
              "the payment has no requested collection"
            )
          }
          yield* kit.paymentTransition(target, "post")
          const gatewayReference = input.gatewayReference ?? collection.gatewayReference
          const collected = yield* advanceCollection(collection, "collect", {
            collectedAt: yield* now,
            gatewayReference
          })
          yield* collectionEvent("collection.collected", collected, target)
          const posted = yield* post(target, yield* today, {
            gatewayReference: target.gatewayReference ?? gatewayReference
          })
          return yield* kit.paymentDetail(posted)
        })
      )
    }),

    cancelCollection: Effect.fn("Ledger.cancelCollection")(function* (input: C.CollectionOutcomeInput) {
      return yield* kit.mutation("cancelCollection", input, PaymentDetail, unwindCollection(input, "cancel"))
    }),

    failCollection: Effect.fn("Ledger.failCollection")(function* (input: C.CollectionOutcomeInput) {
      return yield* kit.mutation("failCollection", input, PaymentDetail, unwindCollection(input, "fail"))
    }),

    allocatePayment: Effect.fn("Ledger.allocatePayment")(function* (input: C.AllocatePaymentInput) {
      return yield* kit.paymentMutation("allocatePayment", input, PaymentDetail, (target) =>
        Effect.gen(function* () {
          if (target.state !== "draft" && target.state !== "posted") {
            return yield* kit.refused(
              "payment",
              target.id,
              target.state,
              "allocate",
              `cannot allocate a ${target.state} payment`
            )
          }
          const requests = yield* parseAllocationRequests(input.allocations, target.currency)
          yield* planAllocations(target, effectiveAmount(target) - target.allocatedAmount, requests)
          const allocated = yield* applyAllocations(target, requests)
          return yield* kit.paymentDetail(allocated)
        })
      )
    }),

    deallocate: Effect.fn("Ledger.deallocate")(function* (input: C.DeallocateInput) {
      return yield* kit.mutation(
        "deallocate",
        input,
        PaymentDetail,
        Effect.gen(function* () {
          const allocationOf = Effect.flatMap(
            store.allocations.get(input.allocationId),
            kit.found("allocation", input.allocationId)
          )
          const seen = yield* allocationOf
          const { payment: target } = yield* kit.lockPayment(seen.paymentId)
          const released = yield* releaseAllocations(target, [yield* allocationOf], "deallocated")
          return yield* kit.paymentDetail(released)
        })
      )
    }),

    payDocument: Effect.fn("Ledger.payDocument")(function* (input: C.PayDocumentInput) {
      return yield* kit.mutation(
        "payDocument",
        input,
        PaymentDetail,
        Effect.gen(function* () {
          const { customer, document } = yield* kit.lockDocument(input.documentId)
          if (document.state !== "issued") {
            return yield* kit.refused(
              "document",
              document.id,
              document.state,
              "pay",
              `cannot pay a ${document.state} document`
            )
          }
          const amount =
            input.amount === undefined
              ? document.outstanding
              : yield* kit.parsePositiveAmount(input.amount, document.currency, ["amount"])
          const { documentId, amount: _amount, ...rest } = input
          const created = yield* openPayment(customer, {
            ...rest,
            amount,
            initialState: "posted",
            allocations: [{ documentId, amount, documentPath: ["documentId"] }]
          })
          return yield* kit.paymentDetail(created)
        })
      )
    })
  }
}
