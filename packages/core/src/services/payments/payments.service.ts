/**
 * The `Payments` service: a payment's own life. Creation (optionally charged through a gateway
 * and allocated in the same transaction), edits, lookups, lists and the overview figures, the
 * draft → posted/rejected/cancelled lifecycle with posting-time numbering, and partial or repeated
 * reversals with reinstatement. Each method's error union is what it can really fail with. The
 * implementation is `paymentsLayer` (`payments.layer.ts`).
 */
import { Context, type Effect, Schema } from "effect"
import type { AllClassified } from "../../auth/permissions.ts"
import type { InvalidTransition, NotFound, ValidationFailed } from "../../errors.ts"
import type { DocumentId } from "../../model/ids.ts"
import {
  Allocation,
  type BillingEntity,
  Collection,
  Customer,
  type DialectRecord,
  type Document,
  type LedgerEvent,
  Payment,
  type PaymentOverview,
  Refund,
  Reversal
} from "../../model/records.ts"
import type { CustomerRowPage, CustomerRowQuery } from "../../ports/customer-rows.ts"
import type {
  AttachedRecord,
  LockWithOptions,
  PaymentPage,
  PaymentTarget,
  PaymentTotals,
  PaymentTotalsQuery,
  PaymentView,
  PaymentViewInclude
} from "../../ports/ledger-store.ts"
import type { CommandContext } from "../command-context.ts"
import type * as C from "../ledger-commands.ts"
import type { CommandFailure, ReadFailure } from "../shared/ledger-command.ts"

/** A payment with everything that hangs off it. */
export const PaymentDetail = Schema.Struct({
  payment: Payment,
  allocations: Schema.Array(Allocation),
  reversals: Schema.Array(Reversal),
  collections: Schema.Array(Collection),
  refunds: Schema.Array(Refund)
})
export type PaymentDetail = typeof PaymentDetail.Type

/**
 * A created payment with its account as the create's unit locked it — before the payment moved its
 * balance (`balance` and `version` are the locked row's) — so a caller that checks or shows the account
 * needs no read of its own (`createPaymentOnAccount`).
 */
export const PaymentOnAccount = Schema.Struct({ detail: PaymentDetail, account: Customer })
export type PaymentOnAccount = typeof PaymentOnAccount.Type

/**
 * A payment as a dialect shows it by id: its detail and, read in the same statement, the dialect
 * records, customer and events `PaymentViewInclude` asked for (records outside the principal's
 * customer scope are left out).
 */
export interface PaymentViewDetail {
  readonly detail: PaymentDetail
  readonly records: ReadonlyArray<DialectRecord>
  readonly customer: Customer | null
  readonly events: ReadonlyArray<LedgerEvent>
  /** The actors of its first and last event, when `PaymentViewInclude.firstAndLastActors` asked. */
  readonly actors?: PaymentView["actors"]
}

type Method<A, E> = Effect.Effect<A, E, CommandContext>

/** A dialect's record of a new payment, written with its creation event (`CreatePaymentOptions.record`). */
export interface NewAttachedRecord extends Omit<AttachedRecord, "key"> {
  /** Keyed by the payment's ledger id (the default) or by its public id. */
  readonly keyedBy?: "payment-id" | "payment-public-id" | undefined
}

/** What a create's customer lock read, handed to `CreatePaymentOptions.beforeWrite`. */
export interface LockedForCreate {
  readonly account: Customer
  /** The records `lockWith.records` named that exist (of no customer, or of this one). */
  readonly records: ReadonlyArray<DialectRecord>
  /** The account's billing entity (`lockWith.billingEntity`; `null` when not asked or it has none). */
  readonly billingEntity: BillingEntity | null
  /** The documents `lockWith.documents` named that exist (of any customer), as committed under the lock. */
  readonly documents: ReadonlyArray<Document>
}

/** What `beforeWrite` decided besides a refusal: the record to write, allocations the lock's reads decide. */
export interface BeforeWriteAnswer {
  /** Replaces `CreatePaymentOptions.record`. */
  readonly record?: NewAttachedRecord | undefined
  /**
   * Allocations of the new payment decided from what the lock read (e.g. a document's outstanding
   * amount), after the input's own: checked and booked exactly like them, in the same unit.
   */
  readonly allocations?: ReadonlyArray<{ readonly documentId: DocumentId; readonly amount: C.AmountInput }> | undefined
}

/**
 * What a dialect writes with a new payment besides the command's input, and what it checks in the
 * command's unit. None of it is part of the command's idempotency hash: a caller passing it runs the
 * command inside its own unit (`LedgerUnits.atomically`), which claims the request as a whole.
 */
export interface CreatePaymentOptions {
  /**
   * The dialect's record of the new payment (linked to it and its customer), written by the
   * statement that appends the payment's events, so it costs the unit no statement.
   */
  readonly record?: NewAttachedRecord
  /**
   * Read in the customer lock's statement besides the customer (see `LockWithOptions`); the
   * documents the input allocates to are read with it anyway.
   */
  readonly lockWith?: Pick<LockWithOptions, "records" | "billingEntity" | "documents">
  /**
   * Runs under the customer lock, before the create writes anything, with what the lock read: a
   * dialect's check of what its request names (a refusal fails the create and nothing of it is
   * written) that may also answer the record to write with the payment (it replaces `record`), or
   * that record and allocations (`BeforeWriteAnswer`).
   */
  readonly beforeWrite?: (
    locked: LockedForCreate
  ) => Effect.Effect<NewAttachedRecord | BeforeWriteAnswer | undefined, ValidationFailed>
}

export interface PaymentsShape {
  /** Names its customer by id, or (`CreatePaymentForInput`) by number or public id, found by the lock. */
  readonly createPayment: (
    input: C.CreatePaymentInput | C.CreatePaymentForInput,
    options?: CreatePaymentOptions
  ) => Method<PaymentDetail, CommandFailure | ValidationFailed | NotFound | InvalidTransition>
  /**
   * `createPayment`, also answering the account the unit locked (see `PaymentOnAccount`): a dialect
   * create checks and renders the account from it instead of reading it before and after the unit.
   */
  readonly createPaymentOnAccount: (
    input: C.CreatePaymentInput,
    options?: CreatePaymentOptions
  ) => Method<PaymentOnAccount, CommandFailure | ValidationFailed | NotFound | InvalidTransition>
  /** Amount, date, method and type only while draft; references any time. */
  readonly updatePayment: (input: C.UpdatePaymentInput) => Method<Payment, CommandFailure | ValidationFailed | NotFound>
  readonly getPayment: (lookup: C.PaymentLookup) => Method<PaymentDetail, ReadFailure | NotFound>
  /**
   * The read model of a get by id in one store read: the payment `target` finds (by ledger id,
   * public id, or a vendor dialect's id — issue 16.2) with its children and what `include` names.
   */
  readonly viewPayment: (
    target: PaymentTarget,
    include?: PaymentViewInclude
  ) => Method<PaymentViewDetail, ReadFailure | NotFound>
  readonly listPayments: (input: C.PaymentQueryInput) => Method<PaymentPage, ReadFailure | ValidationFailed>
  /**
   * A customer's payments and open documents as one page filtered, sorted and counted in SQL
   * (`ports/customer-rows.ts`: a vendor list that shows open documents as payments due).
   */
  readonly listCustomerRows: (input: CustomerRowQuery) => Method<CustomerRowPage, ReadFailure>
  /**
   * The details of a page of payments (as `listPayments` gave them), everything hanging off them
   * read in one statement; in the order given.
   */
  readonly paymentDetails: (payments: ReadonlyArray<Payment>) => Method<ReadonlyArray<PaymentDetail>, ReadFailure>
  /** Figures for the admin overview (volume, pending collection, reversals, top debtors). */
  readonly paymentOverview: (input: C.OverviewInput) => Method<PaymentOverview, ReadFailure | ValidationFailed>
  /**
   * A customer's payment totals summed in one store read (`PaymentTotalsQuery`) with the customer
   * itself (`NotFound` when there is none), in the customer scope: a balance summary reads nothing else.
   */
  readonly paymentTotals: (
    input: PaymentTotalsQuery
  ) => Method<PaymentTotals & { readonly customer: Customer }, ReadFailure | NotFound>
  readonly postPayment: (input: C.PostPaymentInput) => Method<Payment, CommandFailure | NotFound | InvalidTransition>
  readonly rejectPayment: (
    input: C.RejectPaymentInput
  ) => Method<Payment, CommandFailure | NotFound | InvalidTransition>
  readonly cancelPayment: (
    input: C.CancelPaymentInput
  ) => Method<Payment, CommandFailure | NotFound | InvalidTransition>
  readonly reversePayment: (
    input: C.ReversePaymentInput
  ) => Method<PaymentDetail, CommandFailure | ValidationFailed | NotFound | InvalidTransition>
  readonly reinstateReversal: (
    input: C.ReinstateReversalInput
  ) => Method<PaymentDetail, CommandFailure | NotFound | InvalidTransition>
}

// Every method needs an access level in auth/permissions.ts.
true satisfies AllClassified<PaymentsShape>

export class Payments extends Context.Service<Payments, PaymentsShape>()("@paybridge/core/services/Payments") {}
