/**
 * The money driver contract: how the model-based money test (issue 12) sends a ledger command
 * through one protocol over real HTTP, and how a client of that protocol sums what it sees. Each
 * dialect package exports one driver from its `./testing` entry; tRPC has one too. The test picks
 * a protocol at random per step (falling back to tRPC when the chosen one cannot express the
 * command), then checks the ledger's invariants and every driver's `reconcile` against the
 * ledger's balance to the minor unit.
 *
 * This module is also `@paybridge/adapter-kit/testing/money` (no test-runner imports), so a
 * dialect's driver can use the wire helpers at the end without loading Vitest.
 *
 * Ids in commands are the ledger's (the test knows the ledger); a driver maps them to its vendor's
 * ids (they are equal for numeric-id vendors) and answers with the ledger ids of what it created.
 * Amounts are minor units of the customer's currency; a driver writes them in its vendor's format.
 */

import { type CurrencyCode, formatMinorUnits, readMinorUnits } from "@paybridge/core/money"

/** A customer the test created (through tRPC), with what every driver needs to address it. */
export interface MoneyCustomer {
  readonly id: number
  readonly currency: string
}

/** What the model test asks a protocol to do. */
export type MoneyCommand =
  | {
      readonly kind: "createPayment"
      readonly customer: MoneyCustomer
      readonly amount: bigint
      readonly state: "draft" | "posted"
      /** Applied to these documents (a draft reserves them). */
      readonly allocations: ReadonlyArray<{ readonly documentId: number; readonly amount: bigint }>
    }
  | { readonly kind: "postPayment"; readonly paymentId: number }
  | { readonly kind: "rejectPayment"; readonly paymentId: number }
  | { readonly kind: "cancelPayment"; readonly paymentId: number }
  | {
      readonly kind: "allocate"
      readonly paymentId: number
      readonly documentId: number
      readonly amount: bigint
    }
  | { readonly kind: "deallocate"; readonly paymentId: number; readonly documentId: number }
  | { readonly kind: "payDocument"; readonly documentId: number; readonly amount: bigint }
  | {
      readonly kind: "reverse"
      readonly paymentId: number
      /** `null`: the whole payment. */
      readonly amount: bigint | null
      /** The document the reversal names first (Billing Platform (UK) `invoiceIDReversed` and the like). */
      readonly documentId: number | null
    }
  | { readonly kind: "reinstate"; readonly paymentId: number; readonly reversalId: number }
  | {
      readonly kind: "refund"
      /** `null`: from the customer's credit, the ledger chooses (Billing Platform (UK) negative payments). */
      readonly paymentId: number | null
      readonly customer: MoneyCustomer
      readonly amount: bigint
      /** The document the refund names first (Elevate `invoiceId` and the like). */
      readonly documentId: number | null
    }
  | { readonly kind: "cancelRefund"; readonly refundId: number }
  | { readonly kind: "bounceRefund"; readonly refundId: number }
  | { readonly kind: "adjustBalance"; readonly customer: MoneyCustomer; readonly amount: bigint }
  | {
      readonly kind: "issueDocument"
      readonly customer: MoneyCustomer
      readonly documentKind: "invoice" | "bill" | "proforma"
      readonly total: bigint
    }
  | { readonly kind: "cancelDocument"; readonly documentId: number }

/** One HTTP request as sent, kept so a failing sequence can be printed as requests a person can replay. */
export interface SentRequest {
  readonly method: string
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body?: string | undefined
  readonly status: number
}

/** What a command did, in ledger ids; `refused` when the protocol answered with an error (no state change expected). */
export type MoneyOutcome =
  | {
      readonly kind: "done"
      readonly paymentId?: number | undefined
      readonly reversalId?: number | undefined
      readonly refundIds?: ReadonlyArray<number> | undefined
      readonly documentId?: number | undefined
    }
  | { readonly kind: "refused"; readonly status: number; readonly body: string }

/** How a driver reaches the server: its base URL and a fetch that records what was sent. */
export interface MoneyHttp {
  readonly baseUrl: string
  /** Sends and records the request (for the replayable transcript). */
  readonly send: (request: Omit<SentRequest, "status">) => Promise<{ readonly status: number; readonly text: string }>
}

/**
 * The parts of a customer's ledger balance, by the balance entries that make them: documents
 * (`document-issued`, `document-cancelled`), payments (`payment-posted`, `payment-reversed`,
 * `payment-reinstated`), refunds (`refund`, `refund-voided`) and adjustments (`adjustment`).
 */
export type MoneyPart = "documents" | "payments" | "refunds" | "adjustments"

export const moneyParts: ReadonlyArray<MoneyPart> = ["documents", "payments", "refunds", "adjustments"]

/** A client's sum of what it sees of one customer, in minor units, and the rows it summed (for failure messages). */
export interface DialectReconciliation {
  /**
   * The customer's balance as this protocol's clients sum it, in the ledger's sign (negative: the
   * customer owes; positive: in credit). It must equal the sum of the customer's ledger balance
   * entries of the parts in `covers` — the whole ledger balance when a protocol shows every part.
   */
  readonly balance: bigint
  /** The parts of the balance this protocol's views show (a vendor without invoices shows no documents). */
  readonly covers: ReadonlyArray<MoneyPart>
  /**
   * What this protocol shows as still due on open documents (Silver's unpaid payments, for
   * example): compared with the outstanding amounts of the customer's issued documents of `kinds`.
   */
  readonly due?: { readonly amount: bigint; readonly kinds: ReadonlyArray<"invoice" | "bill" | "proforma"> } | undefined
  readonly rows: ReadonlyArray<{ readonly label: string; readonly amount: bigint }>
}

export interface MoneyDriver {
  /** `trpc` or the dialect id. */
  readonly protocol: string
  /** Logs in / prepares credentials (an admin API key is given); called once per server. */
  readonly prepare: (http: MoneyHttp, apiKey: string) => Promise<void>
  /** Whether this protocol can express the command (as its vendor documents it). */
  readonly supports: (command: MoneyCommand) => boolean
  readonly send: (http: MoneyHttp, command: MoneyCommand) => Promise<MoneyOutcome>
  /**
   * Reads the customer's payments, reversals, refunds (and balance endpoint, where the vendor has
   * one) the way that vendor's clients do, and sums them by the rule in docs/money-model.md.
   */
  readonly reconcile: (http: MoneyHttp, customer: MoneyCustomer) => Promise<DialectReconciliation>
}

// ---------------------------------------------------------------------------------------------
// Wire helpers for drivers

/** Minor units → the major-unit decimal text a vendor writes (`1250n` GBP → `"12.50"`). */
export const majorText = (amount: bigint, currency: string): string =>
  formatMinorUnits(amount, currency as CurrencyCode)

/** A vendor's major-unit decimal text → minor units, exactly (throws on text that is not an amount). */
export const minorOf = (text: string, currency: string): bigint => {
  const read = readMinorUnits(text, currency as CurrencyCode)
  if (!read.ok) throw new Error(`not an amount of ${currency}: ${text} (${read.message})`)
  return read.value
}

/**
 * JSON parsed with every number kept as its source text (`12.50` stays `"12.50"`), so amounts are
 * summed exactly, never through a float.
 */
export const parseExactJson = (text: string): unknown =>
  JSON.parse(text, (_key, value: unknown, context?: { readonly source?: string }) =>
    typeof value === "number" && context?.source !== undefined ? context.source : value
  )

/** Today's business date (UTC), `YYYY-MM-DD`. */
export const todayText = (): string => new Date().toISOString().slice(0, 10)
