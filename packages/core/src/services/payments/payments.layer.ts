/**
 * The implementation of `Payments` on the `LedgerStore`, `IdempotencyStore` and `PaymentGateways`
 * ports. Every method is an `Effect.fn("Payments.<method>")`: a read authorised by `query`, or a
 * command run by `mutation`/`paymentMutation` (authorise → transaction → idempotency → retry once
 * on a concurrent modification). Opening a payment, posting, collections, allocations and
 * reversals are shared with the other services (`../shared/`). Amount rules kept here: a payment
 * never carries more allocations than `amount − reversed − refunded`, and every posting, reversal
 * and reinstatement moves the customer's running balance by exactly the amount concerned.
 */
import { Effect, Layer } from "effect"
import { canSeeCustomer, scopedCustomerIds } from "../../auth/permissions.ts"
import { Conflict, notFound, validationFailed } from "../../errors.ts"
import { toBusinessDate } from "../../model/common.ts"
import { Payment, type Reversal } from "../../model/records.ts"
import type { CustomerRowQuery } from "../../ports/customer-rows.ts"
import type { IdempotencyStore } from "../../ports/idempotency-store.ts"
import {
  LedgerStore,
  type PaymentTarget,
  type PaymentTotalsQuery,
  type PaymentViewInclude
} from "../../ports/ledger-store.ts"
import type { PaymentGateways } from "../../ports/payment-gateway.ts"
import { now, today } from "../clock.ts"
import type * as C from "../ledger-commands.ts"
import { effectiveAmount, newestFirst } from "../shared/allocation-book.ts"
import { releaseAllocations, restoreReleases } from "../shared/allocation-releases.ts"
import { moveBalance } from "../shared/balance-movements.ts"
import { advanceCollection, collectionEvent, openCollection } from "../shared/collection-steps.ts"
import {
  amountText,
  ensureCurrency,
  type FieldPath,
  parseAmount,
  parsePositiveAmount
} from "../shared/exact-amounts.ts"
import { voidAtGateway, withdrawUnsentCharge } from "../shared/gateway-attempts.ts"
import { savePayment } from "../shared/guarded-saves.ts"
import { mutation, paging, paymentMutation, query } from "../shared/ledger-command.ts"
import { minor } from "../shared/ledger-events.ts"
import { capturePorts } from "../shared/ledger-ports.ts"
import { paymentTransition, refused } from "../shared/lifecycle-steps.ts"
import { afterGatewayCall, detailOf, noChildren, paymentDetail } from "../shared/payment-detail.ts"
import {
  availablePreset,
  insertPaymentRecords,
  oldestFirstAllocations,
  openedDetail,
  openPayment,
  parseAllocationRequests
} from "../shared/payment-opening.ts"
import { bookPosting, paymentEvent } from "../shared/payment-posting.ts"
import { currentPrincipal, found, inScope, lockCustomerFor } from "../shared/record-access.ts"
import { bookReversal } from "../shared/reversal-booking.ts"
import {
  type CreatePaymentOptions,
  PaymentDetail,
  PaymentOnAccount,
  Payments,
  type PaymentViewDetail
} from "./payments.service.ts"

const referenceFields = [
  "description",
  "notes",
  "reference",
  "customerReference",
  "checkNumber",
  "thirdPartyReference"
] as const

export const paymentsLayer: Layer.Layer<Payments, never, LedgerStore | IdempotencyStore | PaymentGateways> =
  Layer.effect(
    Payments,
    Effect.gen(function* () {
      const store = yield* LedgerStore
      const ports = yield* capturePorts<LedgerStore | IdempotencyStore | PaymentGateways>()

      /** Creates the payment under its customer's lock; answers its detail and the locked customer. */
      const openUnderLock = (input: C.CreatePaymentInput | C.CreatePaymentForInput, options: CreatePaymentOptions) =>
        Effect.gen(function* () {
          // The customer and the presets the payment names, in the lock's one statement; oldest-first
          // allocation learns with it whether anything is unpaid (only then are those documents read).
          // So do the dialect records and billing entity a caller's `beforeWrite` checks, which runs
          // before anything is written.
          // The documents the input allocates to (and those a caller's check names) too.
          const documentIds = [
            ...(input.allocations ?? []).map((allocation) => allocation.documentId),
            ...(options.lockWith?.documents ?? [])
          ]
          const locked = yield* lockCustomerFor(
            "customer" in input ? input.customer : { id: input.customerId },
            [input.methodId, input.typeId].filter((id) => id != null),
            {
              unpaidDocuments: input.allocateOldestFirst === true,
              ...options.lockWith,
              ...(documentIds.length === 0 ? {} : { documents: documentIds })
            }
          )
          const { customer, presets, hasUnpaidDocuments } = locked
          const knownAs = input.customerKnownAs
          if (
            knownAs !== undefined &&
            customer.externalRef !== null &&
            customer.externalRef.system === knownAs.system &&
            customer.externalRef.id !== knownAs.id
          ) {
            return yield* Effect.fail(notFound("customer", knownAs.id))
          }
          const decided =
            options.beforeWrite === undefined
              ? undefined
              : yield* options.beforeWrite({
                  account: customer,
                  records: locked.records,
                  billingEntity: locked.billingEntity,
                  documents: locked.documents
                })
          const answer = decided === undefined || "dialect" in decided ? { record: decided } : decided
          const record = answer.record ?? options.record
          const currency = yield* ensureCurrency(input.currency, customer)
          const amount = yield* parsePositiveAmount(input.amount, currency, ["amount"])
          const explicit = yield* parseAllocationRequests(
            [...(input.allocations ?? []), ...(answer.allocations ?? [])],
            currency
          )
          const allocations = hasUnpaidDocuments
            ? [...explicit, ...(yield* oldestFirstAllocations(customer, amount, explicit))]
            : explicit
          const {
            currency: _currency,
            amount: _amount,
            allocations: _allocations,
            allocateOldestFirst: _allocateOldestFirst,
            ...fields
          } = input
          const {
            customerId: _customerId,
            customer: _customer,
            records,
            customerKnownAs: _customerKnownAs,
            ...rest
          } = fields as typeof fields & {
            readonly customerId?: unknown
            readonly customer?: unknown
            readonly records?: ReadonlyArray<C.NewPaymentRecord> | undefined
          }
          const opened = yield* openPayment(
            customer,
            { ...rest, amount, allocations },
            presets,
            record,
            locked.documents
          )
          // A dialect's records of the new payment (its vendor attributes), in the same unit.
          if (records !== undefined) yield* insertPaymentRecords(opened.payment, records)
          // What hangs off the new payment is read only when the unit does not know it.
          return { detail: yield* openedDetail(opened), account: customer }
        })

      const createPayment = Effect.fn("Payments.createPayment")(function* (
        input: C.CreatePaymentInput | C.CreatePaymentForInput,
        options: CreatePaymentOptions = {}
      ) {
        return yield* afterGatewayCall(
          yield* mutation(
            "createPayment",
            input,
            PaymentDetail,
            Effect.map(openUnderLock(input, options), (opened) => opened.detail)
          )
        )
      }, ports)

      const createPaymentOnAccount = Effect.fn("Payments.createPaymentOnAccount")(function* (
        input: C.CreatePaymentInput,
        options: CreatePaymentOptions = {}
      ) {
        const opened = yield* mutation("createPaymentOnAccount", input, PaymentOnAccount, openUnderLock(input, options))
        return { detail: yield* afterGatewayCall(opened.detail), account: opened.account }
      }, ports)

      const updatePayment = Effect.fn("Payments.updatePayment")(function* (input: C.UpdatePaymentInput) {
        return yield* paymentMutation("updatePayment", input, Payment, (target) =>
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
              const amount = yield* parsePositiveAmount(input.amount, target.currency, ["amount"])
              if (amount < target.allocatedAmount) {
                return yield* new Conflict({
                  reason: "over-allocation",
                  message: `${amountText(target.allocatedAmount, target.currency)} is allocated; the amount cannot go below that`
                })
              }
              changes.amount = amount
            }
            if (input.paymentDate !== undefined) {
              yield* draftOnly("paymentDate")
              changes.paymentDate = input.paymentDate
            }
            if (input.receivedAt !== undefined) {
              yield* draftOnly("receivedAt")
              changes.receivedAt = input.receivedAt
              if (input.receivedAt !== null && input.paymentDate === undefined) {
                changes.paymentDate = toBusinessDate(input.receivedAt)
              }
            }
            if (input.methodId !== undefined) {
              yield* draftOnly("methodId")
              changes.methodId =
                input.methodId === null ? null : (yield* availablePreset(input.methodId, "method", ["methodId"])).id
            }
            if (input.typeId !== undefined) {
              yield* draftOnly("typeId")
              changes.typeId =
                input.typeId === null ? null : (yield* availablePreset(input.typeId, "type", ["typeId"])).id
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
            const updated = yield* savePayment(target, { ...changes, references })
            yield* paymentEvent("payment.updated", updated, {
              fields: changedFields,
              ...(changes.amount === undefined ? {} : { amount: minor(changes.amount) })
            })
            return updated
          })
        )
      }, ports)

      const getPayment = Effect.fn("Payments.getPayment")(function* (lookup: C.PaymentLookup) {
        return yield* query(
          "getPayment",
          Effect.gen(function* () {
            if ("id" in lookup || "publicId" in lookup) {
              // By id or public id, the payment and its children come in one read.
              const read = yield* store.payments.view(lookup, {})
              const payment = yield* found(
                "payment",
                "id" in lookup ? String(lookup.id) : lookup.publicId
              )(read?.payment ?? null)
              yield* inScope(payment.customerId)
              return detailOf(payment, read?.children ?? noChildren)
            }
            const [row, shown] =
              "referenceNumber" in lookup
                ? [yield* store.payments.getByReferenceNumber(lookup.referenceNumber), lookup.referenceNumber]
                : "number" in lookup
                  ? [yield* store.payments.getByNumber(lookup.number), lookup.number]
                  : [
                      yield* store.payments.getByExternalRef(lookup.externalRef),
                      `${lookup.externalRef.system}:${lookup.externalRef.id}`
                    ]
            const payment = yield* found("payment", shown)(row)
            yield* inScope(payment.customerId)
            return yield* paymentDetail(payment)
          })
        )
      }, ports)

      const viewPayment = Effect.fn("Payments.viewPayment")(function* (
        target: PaymentTarget,
        include: PaymentViewInclude = {}
      ) {
        return yield* query(
          "viewPayment",
          Effect.gen(function* () {
            const read = yield* store.payments.view(target, include)
            const shown =
              "id" in target ? String(target.id) : "publicId" in target ? target.publicId : target.vendorId.id
            const view = yield* found("payment", shown)(read)
            yield* inScope(view.payment.customerId)
            const who = yield* currentPrincipal
            return {
              detail: detailOf(view.payment, view.children),
              records: view.records.filter(
                (record) => record.customerId === null || canSeeCustomer(who, record.customerId)
              ),
              customer: view.customer,
              events: view.events,
              ...(view.actors === undefined ? {} : { actors: view.actors })
            } satisfies PaymentViewDetail
          })
        )
      }, ports)

      const listPayments = Effect.fn("Payments.listPayments")(function* (input: C.PaymentQueryInput) {
        return yield* query(
          "listPayments",
          Effect.gen(function* () {
            if (input.customerId !== undefined) yield* inScope(input.customerId)
            const { cursor: _cursor, limit: _limit, order, amountMin, amountMax, ...filters } = input
            const currency = input.currency
            if ((amountMin !== undefined || amountMax !== undefined) && currency === undefined) {
              return yield* validationFailed(["currency"], "choose a currency to filter by amount")
            }
            const bound = (value: C.AmountInput | undefined, path: FieldPath) =>
              value === undefined || currency === undefined
                ? Effect.succeed(undefined)
                : parseAmount(value, currency, path)
            return yield* store.payments.list({
              ...paging(input),
              ...filters,
              amountMin: yield* bound(amountMin, ["amountMin"]),
              amountMax: yield* bound(amountMax, ["amountMax"]),
              customerIds: scopedCustomerIds(yield* currentPrincipal),
              order: order ?? "newest"
            })
          })
        )
      }, ports)

      const listCustomerRows = Effect.fn("Payments.listCustomerRows")(function* (input: CustomerRowQuery) {
        return yield* query(
          "listCustomerRows",
          Effect.andThen(inScope(input.customerId), store.payments.listCustomerRows(input))
        )
      }, ports)

      const paymentDetails = Effect.fn("Payments.paymentDetails")(function* (rows: ReadonlyArray<Payment>) {
        return yield* query(
          "paymentDetails",
          Effect.gen(function* () {
            for (const customerId of new Set(rows.map((payment) => payment.customerId))) yield* inScope(customerId)
            const children = yield* store.payments.childrenOfPayments(rows.map((payment) => payment.id))
            return rows.map((payment) => detailOf(payment, children.get(payment.id) ?? noChildren))
          })
        )
      }, ports)

      const paymentOverview = Effect.fn("Payments.paymentOverview")(function* (input: C.OverviewInput) {
        return yield* query(
          "paymentOverview",
          Effect.gen(function* () {
            const to = input.to ?? (yield* today)
            const from = input.from ?? toBusinessDate(new Date(Date.parse(`${to}T00:00:00Z`) - 29 * 86_400_000))
            if (from > to) return yield* validationFailed(["from"], "from must not be after to")
            return yield* store.payments.overview({
              from,
              to,
              customerIds: scopedCustomerIds(yield* currentPrincipal),
              topDebtors: input.topDebtors ?? 10
            })
          })
        )
      }, ports)

      const paymentTotals = Effect.fn("Payments.paymentTotals")(function* (input: PaymentTotalsQuery) {
        return yield* query(
          "paymentTotals",
          Effect.gen(function* () {
            yield* inScope(input.customerId)
            const totals = yield* store.payments.totals(input)
            const customer = yield* found("customer", input.customerId)(totals.customer)
            return { ...totals, customer }
          })
        )
      }, ports)

      const postPayment = Effect.fn("Payments.postPayment")(function* (input: C.PostPaymentInput) {
        return yield* paymentMutation("postPayment", input, Payment, (target) =>
          Effect.gen(function* () {
            yield* paymentTransition(target, "post")
            const collection = target.state === "pending" ? yield* openCollection(target) : null
            if (collection !== null) {
              const collected = yield* advanceCollection(collection, "collect", { collectedAt: yield* now })
              yield* collectionEvent("collection.collected", collected, target)
            }
            const postedOn =
              input.postedOn ?? (input.postedAt === undefined ? yield* today : toBusinessDate(input.postedAt))
            return yield* bookPosting(target, postedOn, {}, input.postedAt)
          })
        )
      }, ports)

      const rejectPayment = Effect.fn("Payments.rejectPayment")(function* (input: C.RejectPaymentInput) {
        return yield* paymentMutation("rejectPayment", input, Payment, (target) =>
          Effect.gen(function* () {
            const state = yield* paymentTransition(target, "reject")
            const released = yield* releaseAllocations(
              target,
              yield* store.allocations.listByPayment(target.id),
              { kind: "rejection", id: target.id },
              "payment rejected"
            )
            const rejected = yield* savePayment(released, {
              state,
              rejectionReason: input.reason,
              rejectedAt: yield* now
            })
            yield* paymentEvent("payment.rejected", rejected, { reason: input.reason })
            return rejected
          })
        )
      }, ports)

      const cancelPayment = Effect.fn("Payments.cancelPayment")(function* (input: C.CancelPaymentInput) {
        yield* voidAtGateway("cancelPayment", input.paymentId)
        return yield* paymentMutation("cancelPayment", input, Payment, (target) =>
          Effect.gen(function* () {
            const state = yield* paymentTransition(target, "cancel")
            yield* withdrawUnsentCharge(target, "cancel")
            const at = yield* now
            const collection = yield* openCollection(target)
            if (collection !== null) {
              const cancelled = yield* advanceCollection(collection, "cancel", { cancelledAt: at })
              yield* collectionEvent("collection.cancelled", cancelled, target, { reason: "payment cancelled" })
            }
            const released = yield* releaseAllocations(
              target,
              yield* store.allocations.listByPayment(target.id),
              { kind: "cancellation", id: target.id },
              "payment cancelled"
            )
            const cancelled = yield* savePayment(released, { state, cancelledAt: at })
            yield* paymentEvent("payment.cancelled", cancelled, {
              previousState: target.state,
              reason: input.reason ?? null
            })
            return cancelled
          })
        )
      }, ports)

      const reversePayment = Effect.fn("Payments.reversePayment")(function* (input: C.ReversePaymentInput) {
        return yield* paymentMutation("reversePayment", input, PaymentDetail, (target) =>
          Effect.gen(function* () {
            yield* paymentTransition(target, "reverse")
            const amount =
              input.amount === undefined
                ? effectiveAmount(target)
                : yield* parsePositiveAmount(input.amount, target.currency, ["amount"])
            const effectiveDate = input.effectiveDate ?? (yield* today)
            const { payment } = yield* bookReversal(
              target,
              amount,
              effectiveDate,
              input.reason ?? null,
              input.documentId ?? null
            )
            return yield* paymentDetail(payment)
          })
        )
      }, ports)

      const reinstateReversal = Effect.fn("Payments.reinstateReversal")(function* (input: C.ReinstateReversalInput) {
        return yield* paymentMutation("reinstateReversal", input, PaymentDetail, (target) =>
          Effect.gen(function* () {
            yield* paymentTransition(target, "reinstate")
            const reversals = newestFirst(yield* store.reversals.listByPayment(target.id))
            const active = reversals.filter((reversal) => reversal.reinstatedAt === null)
            let chosen: Reversal | undefined
            if (input.reversalId === undefined) {
              chosen = active[0]
              if (chosen === undefined) {
                return yield* refused(
                  "payment",
                  target.id,
                  target.state,
                  "reinstate",
                  "the payment has no active reversal"
                )
              }
            } else {
              const reversalId = input.reversalId
              chosen = yield* found("reversal", reversalId)(reversals.find((row) => row.id === reversalId) ?? null)
              if (chosen.reinstatedAt !== null) {
                return yield* refused(
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
            const restored = yield* savePayment(target, {
              reversedAmount: target.reversedAmount - reinstated.amount,
              reversalDate: latestActive?.effectiveDate ?? null
            })
            const entry = yield* moveBalance(target.customerId, {
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
            return yield* paymentDetail(yield* restoreReleases(restored, { kind: "reversal", id: reinstated.id }))
          })
        )
      }, ports)

      return Payments.of({
        createPayment,
        createPaymentOnAccount,
        updatePayment,
        getPayment,
        viewPayment,
        listPayments,
        listCustomerRows,
        paymentDetails,
        paymentOverview,
        paymentTotals,
        postPayment,
        rejectPayment,
        cancelPayment,
        reversePayment,
        reinstateReversal
      })
    })
  )
