/**
 * Who may do what in the ledger. This module owns the operation table: every method of the ledger
 * services (`Parties`, `Documents`, `Payments`, …) has one access level here: `read` (gets and
 * lists), `write` (ledger changes) or `configure` (billing entities, gateways and presets). Each
 * service checks at compile time that all its methods are classified (`AllClassified`), so a new
 * method must be added here; this module imports nothing from the services. The `admin` role may
 * do everything, `finance` may read and write but not configure, `read-only` may only read.
 * Independently, a principal with a `customerScope` sees and touches only those customers: lists
 * are narrowed to them and any other customer's record is `Forbidden`.
 */
import { Effect } from "effect"
import { Forbidden } from "../errors.ts"
import type { Principal, Role } from "../model/common.ts"
import type { CustomerId } from "../model/ids.ts"

export type Access = "read" | "write" | "configure"

/** The access level each ledger operation needs (a new service method must be classified here). */
export const ledgerOperationAccess = {
  createBillingEntity: "configure",
  getBillingEntity: "read",
  listBillingEntities: "read",
  createCustomer: "write",
  updateCustomer: "write",
  getCustomer: "read",
  listCustomers: "read",
  createGateway: "configure",
  updateGateway: "configure",
  rotateGatewaySecret: "configure",
  listGatewaySecrets: "read",
  getGateway: "read",
  listGateways: "read",
  createPreset: "configure",
  updatePreset: "configure",
  listPresets: "read",
  issueDocument: "write",
  cancelDocument: "write",
  getDocument: "read",
  listDocumentAllocations: "read",
  getAllocation: "read",
  listDocuments: "read",
  createPayment: "write",
  createPaymentOnAccount: "write",
  updatePayment: "write",
  getPayment: "read",
  viewPayment: "read",
  listPayments: "read",
  listCustomerRows: "read",
  paymentDetails: "read",
  paymentOverview: "read",
  paymentTotals: "read",
  postPayment: "write",
  rejectPayment: "write",
  cancelPayment: "write",
  reversePayment: "write",
  reinstateReversal: "write",
  reverseThroughGateway: "write",
  requestCollection: "write",
  markCollected: "write",
  cancelCollection: "write",
  failCollection: "write",
  allocatePayment: "write",
  deallocate: "write",
  adjustAllocation: "write",
  payDocument: "write",
  settleDocument: "write",
  refundPayment: "write",
  refundDocument: "write",
  transitionRefund: "write",
  refundCustomerCredit: "write",
  getRefund: "read",
  listRefunds: "read",
  adjustBalance: "write",
  listBalanceEntries: "read",
  listEvents: "read",
  saveDialectRecord: "write",
  insertDialectRecords: "write",
  getDialectRecord: "read",
  listDialectRecords: "read",
  deleteDialectRecord: "write",
  createPaymentLink: "write",
  reconcileGatewayAttempts: "configure",
  recordGatewayNotice: "configure",
  listGatewayAttempts: "configure",
  /** Only runs other commands, each authorised on its own. */
  atomically: "read",
  /** Books an import's records of one customer (its nested commands authorised on their own too). */
  bulkImport: "write",
  reserveIds: "configure"
} as const satisfies Record<string, Access>

/** The name of a ledger operation: a method of one of the ledger services. */
export type LedgerOperation = keyof typeof ledgerOperationAccess

/**
 * `true` when every method of a service shape is a classified {@link LedgerOperation}; otherwise
 * names the unclassified ones. Each service file asserts `true satisfies AllClassified<Shape>`.
 */
export type AllClassified<Shape> = [Exclude<keyof Shape, LedgerOperation>] extends [never]
  ? true
  : { readonly unclassifiedOperations: Exclude<keyof Shape, LedgerOperation> }

/** The access levels each role grants. */
export const roleAccess: { readonly [R in Role]: ReadonlyArray<Access> } = {
  admin: ["read", "write", "configure"],
  finance: ["read", "write"],
  "read-only": ["read"]
}

export const mayAccess = (role: Role, access: Access): boolean => roleAccess[role].includes(access)

/** Fails with `Forbidden` unless the principal's role grants what `operation` needs. */
export const authorize = (principal: Principal, operation: LedgerOperation): Effect.Effect<void, Forbidden> => {
  const access = ledgerOperationAccess[operation]
  return mayAccess(principal.role, access)
    ? Effect.void
    : Effect.fail(
        new Forbidden({
          message: `role ${principal.role} may not ${access === "read" ? "read" : access} (${operation})`
        })
      )
}

/** Can the principal see this customer's records? */
export const canSeeCustomer = (principal: Principal, customerId: CustomerId): boolean =>
  principal.customerScope === null || principal.customerScope.includes(customerId)

/** Fails with `Forbidden` when the customer is outside the principal's scope. */
export const ensureCustomerInScope = (principal: Principal, customerId: CustomerId): Effect.Effect<void, Forbidden> =>
  canSeeCustomer(principal, customerId)
    ? Effect.void
    : Effect.fail(new Forbidden({ message: `customer ${customerId} is outside this principal's customer scope` }))

/** The customer ids a list must be narrowed to, or `undefined` when the principal sees every customer. */
export const scopedCustomerIds = (principal: Principal): ReadonlyArray<CustomerId> | undefined =>
  principal.customerScope ?? undefined
