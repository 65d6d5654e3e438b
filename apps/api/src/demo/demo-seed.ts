/**
 * The demo dataset `main.ts --demo` loads into an empty database: a billing entity, the built-in
 * test gateway, payment methods and types, customers in five currencies (EUR, GBP, USD, JPY with
 * no minor unit, BHD with three), invoices, a bill and a proforma, and payments in every
 * lifecycle state — draft, pending with a requested collection, posted (also through the
 * gateway), partially reversed, reversed then reinstated, rejected (by hand and by a gateway
 * decline), cancelled, refunded, collected, and allocated to invoices. Everything goes through
 * the ledger's services, so the demo obeys exactly the rules real traffic does.
 */
import {
  Collections,
  type CommandContext,
  type Customer,
  type CustomerId,
  Documents,
  type GatewayId,
  type LedgerError,
  type LedgerServices,
  Parties,
  type PaymentState,
  Payments,
  Refunds,
  testGatewayTokens
} from "@paybridge/core"
import { Effect } from "effect"

export interface DemoSummary {
  readonly customers: ReadonlyArray<{ readonly id: number; readonly name: string; readonly currency: string }>
  readonly documents: number
  readonly payments: Readonly<Record<PaymentState, number>>
}

/** Loads the demo dataset. Runs in whatever `CommandContext` the caller provides (the seed uses the system one). */
type DemoServices = LedgerServices | CommandContext

export const seedDemoData: Effect.Effect<DemoSummary, LedgerError, DemoServices> = Effect.gen(function* () {
  const parties = yield* Parties
  const documentsService = yield* Documents
  const paymentsService = yield* Payments
  const collections = yield* Collections
  const refunds = yield* Refunds

  const billingEntity = yield* parties.createBillingEntity({
    name: "Paybridge Demo Ltd",
    email: "billing@demo.paybridge.invalid",
    flow: "invoice",
    defaultCurrency: "EUR"
  })
  const gateway = yield* parties.createGateway({ code: "test", name: "Test gateway", driver: "test", enabled: true })

  const method = (code: string, name: string, gatewayId: GatewayId | null = null) =>
    parties.createPreset({ kind: "method", code, name, available: true, gatewayId })
  const cash = yield* method("cash", "Cash")
  const bankTransfer = yield* method("bank-transfer", "Bank transfer")
  const card = yield* method("card", "Card", gateway.id)
  const directDebit = yield* method("direct-debit", "Direct debit")
  const standard = yield* parties.createPreset({ kind: "type", code: "standard", name: "Standard payment" })
  yield* parties.createPreset({ kind: "type", code: "deposit", name: "Deposit" })

  const customer = (name: string, currency: Customer["currency"], email: string) =>
    parties.createCustomer({ name, currency, email, billingEntityId: billingEntity.id })
  const acme = yield* customer("Acme Europe GmbH", "EUR", "ap@acme.example")
  const brit = yield* customer("Brit Widgets Ltd", "GBP", "accounts@brit.example")
  const contoso = yield* customer("Contoso Inc", "USD", "payables@contoso.example")
  const tanaka = yield* customer("Tanaka Shoji KK", "JPY", "keiri@tanaka.example")
  const gulf = yield* customer("Gulf Trading WLL", "BHD", "finance@gulf.example")

  const invoice = (customerId: CustomerId, total: string, kind: "invoice" | "bill" | "proforma" = "invoice") =>
    documentsService.issueDocument({
      kind,
      customerId,
      total,
      billingEntityId: billingEntity.id,
      issueDate: "2026-11-01"
    })
  const acmeInvoice1 = yield* invoice(acme.id, "1200.00")
  const acmeInvoice2 = yield* invoice(acme.id, "350.50")
  const britInvoice = yield* invoice(brit.id, "980.00")
  const tanakaInvoice = yield* invoice(tanaka.id, "150000")
  const gulfBill = yield* invoice(gulf.id, "420.750", "bill")
  yield* invoice(contoso.id, "2500.00", "proforma")
  const documents = 6

  const byHand = { methodId: bankTransfer.id, typeId: standard.id, paymentDate: "2026-11-10" }

  // draft, waiting to be posted
  yield* paymentsService.createPayment({ customerId: acme.id, amount: "75.00", initialState: "draft", ...byHand })
  // pending: a direct-debit collection was requested
  const toCollect = yield* paymentsService.createPayment({
    customerId: brit.id,
    amount: "120.00",
    initialState: "draft",
    methodId: directDebit.id
  })
  yield* collections.requestCollection({
    paymentId: toCollect.payment.id,
    method: "direct-debit",
    gatewayReference: "DD-1001"
  })
  // collected: requested, then collected → posted
  const collected = yield* paymentsService.createPayment({
    customerId: brit.id,
    amount: "60.00",
    initialState: "draft",
    methodId: directDebit.id
  })
  yield* collections.requestCollection({
    paymentId: collected.payment.id,
    method: "direct-debit",
    gatewayReference: "DD-1002"
  })
  yield* collections.markCollected({ paymentId: collected.payment.id, gatewayReference: "DD-1002" })
  // posted, by hand, in each currency
  yield* paymentsService.createPayment({
    customerId: contoso.id,
    amount: "500.00",
    ...byHand,
    reference: "WIRE-88812"
  })
  yield* paymentsService.createPayment({
    customerId: tanaka.id,
    amount: "30000",
    methodId: cash.id,
    paymentDate: "2026-11-11"
  })
  yield* paymentsService.createPayment({ customerId: gulf.id, amount: "12.345", ...byHand })
  // posted through the test gateway (approved card)
  yield* paymentsService.createPayment({
    customerId: acme.id,
    amount: "49.99",
    methodId: card.id,
    gatewayId: gateway.id,
    cardToken: testGatewayTokens.approve
  })
  // rejected by a gateway decline
  yield* paymentsService.createPayment({
    customerId: acme.id,
    amount: "19.99",
    methodId: card.id,
    gatewayId: gateway.id,
    cardToken: testGatewayTokens.decline
  })
  // rejected by hand
  const bounced = yield* paymentsService.createPayment({
    customerId: contoso.id,
    amount: "80.00",
    initialState: "draft",
    ...byHand
  })
  yield* paymentsService.rejectPayment({ paymentId: bounced.payment.id, reason: "cheque bounced" })
  // cancelled
  const mistaken = yield* paymentsService.createPayment({
    customerId: gulf.id,
    amount: "5.000",
    initialState: "draft",
    ...byHand
  })
  yield* paymentsService.cancelPayment({ paymentId: mistaken.payment.id, reason: "entered twice" })
  // partially reversed
  const partlyReversed = yield* paymentsService.createPayment({ customerId: brit.id, amount: "300.00", ...byHand })
  yield* paymentsService.reversePayment({
    paymentId: partlyReversed.payment.id,
    amount: "100.00",
    effectiveDate: "2026-11-12",
    reason: "partial chargeback"
  })
  // reversed, then reinstated
  const reinstated = yield* paymentsService.createPayment({ customerId: contoso.id, amount: "150.00", ...byHand })
  yield* paymentsService.reversePayment({ paymentId: reinstated.payment.id, reason: "reversed in error" })
  yield* paymentsService.reinstateReversal({ paymentId: reinstated.payment.id })
  // refunded (part of it, settled)
  const refunded = yield* paymentsService.createPayment({ customerId: acme.id, amount: "200.00", ...byHand })
  const refund = yield* refunds.refundPayment({ paymentId: refunded.payment.id, amount: "40.00", reason: "goodwill" })
  yield* refunds.transitionRefund({ refundId: refund.id, action: "settle" })
  // allocated to invoices: one payment split over two invoices, and invoices paid in full
  yield* paymentsService.createPayment({
    customerId: acme.id,
    amount: "1000.00",
    ...byHand,
    allocations: [
      { documentId: acmeInvoice1.id, amount: "800.00" },
      { documentId: acmeInvoice2.id, amount: "200.00" }
    ]
  })
  const britPayment = yield* paymentsService.createPayment({ customerId: brit.id, amount: "980.00", ...byHand })
  yield* documentsService.allocatePayment({
    paymentId: britPayment.payment.id,
    allocations: [{ documentId: britInvoice.id, amount: "980.00" }]
  })
  yield* documentsService.payDocument({ documentId: tanakaInvoice.id, methodId: bankTransfer.id })
  yield* documentsService.payDocument({ documentId: gulfBill.id, amount: "200.000", methodId: cash.id })

  const payments: Record<PaymentState, number> = { draft: 0, pending: 0, posted: 0, rejected: 0, cancelled: 0 }
  let cursor: string | null = null
  do {
    const page: {
      readonly items: ReadonlyArray<{ readonly state: PaymentState }>
      readonly nextCursor: string | null
    } = yield* paymentsService.listPayments({ cursor, limit: 100 })
    for (const payment of page.items) payments[payment.state] += 1
    cursor = page.nextCursor
  } while (cursor !== null)

  return {
    customers: [acme, brit, contoso, tanaka, gulf].map(({ id, name, currency }) => ({ id, name, currency })),
    documents,
    payments
  }
})
