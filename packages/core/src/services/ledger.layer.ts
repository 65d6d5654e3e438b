/**
 * The implementation of the `Ledger` service on the `LedgerStore` and `PaymentGateways` ports.
 * Every operation is an `Effect.fn("Ledger.<method>")`; the shared machinery (authorisation,
 * transactions, idempotency, events, the running balance) lives in `ledger-kit.ts`, the
 * operations themselves in `ledger-*.operations.ts`, grouped by what they act on.
 */
import { Effect, Layer } from "effect"
import { LedgerStore } from "../ports/ledger-store.ts"
import { PaymentGateways } from "../ports/payment-gateway.ts"
import { Ledger } from "./ledger.ts"
import { makeAtomicOperations } from "./ledger-atomic.operations.ts"
import { makeDialectRecordOperations } from "./ledger-dialect-records.operations.ts"
import { makeDocumentOperations } from "./ledger-documents.operations.ts"
import { makeGatewayReversalOperations } from "./ledger-gateway-reversals.operations.ts"
import { makeLedgerKit } from "./ledger-kit.ts"
import { makePartyOperations } from "./ledger-parties.operations.ts"
import { makePaymentLinkOperations } from "./ledger-payment-links.operations.ts"
import { makePaymentOperations } from "./ledger-payments.operations.ts"
import { makeRefundOperations } from "./ledger-refunds.operations.ts"

export const ledgerLayer: Layer.Layer<Ledger, never, LedgerStore | PaymentGateways> = Layer.effect(
  Ledger,
  Effect.gen(function* () {
    const kit = makeLedgerKit(yield* LedgerStore, yield* PaymentGateways)
    const payments = makePaymentOperations(kit)
    return Ledger.of({
      ...makePartyOperations(kit),
      ...makeDocumentOperations(kit),
      ...payments,
      ...makeGatewayReversalOperations(kit, payments.reversePayment),
      ...makeAtomicOperations(kit),
      ...makeRefundOperations(kit),
      ...makeDialectRecordOperations(kit),
      ...makePaymentLinkOperations(kit)
    })
  })
)
