/**
 * Generates a tenant in a source Paybridge server through its public tRPC API, deterministic by
 * seed: a billing entity, the test gateway, method and type presets, customers in currencies with
 * 0, 2 and 3 decimals, invoices, bills and proformas, balance debits, and payments that cycle through
 * every lifecycle scenario — draft, posted, pending collection, collected, failed collection,
 * rejected (by hand and by a gateway decline), cancelled, gateway-approved, partially and fully
 * reversed, reversed then reinstated, refunded (settled, requested, failed), allocated in part to
 * an invoice, paying an invoice in full, and paying a bill. The tests seed a small tenant; the same
 * shape at `largeTenantShape` gives the ≥ 10,000-payment tenant of issue 16 (`scripts/
 * generate-tenant.ts`). Seeded sequentially, two fresh servers get the same ids. The same seeding
 * runs directly on a server's ledger through the core services (`direct-seeding.ts`), each
 * customer's records in one bulk unit (`options.customerUnit`): the ≥ 10,000-payment tenant in seconds.
 */
import type { PaybridgeClient } from "@paybridge/client"

export const scenarios = [
  "draft",
  "posted",
  "allocated-partial",
  "pay-document",
  "pending",
  "collected",
  "collection-failed",
  "rejected",
  "cancelled",
  "partially-reversed",
  "reversed",
  "reinstated",
  "refund-settled",
  "refund-requested",
  "refund-failed",
  "gateway-approved",
  "gateway-declined",
  "bill-allocated"
] as const
export type Scenario = (typeof scenarios)[number]

export interface TenantShape {
  readonly seed: number
  /** One customer per entry, in this currency. */
  readonly currencies: ReadonlyArray<string>
  readonly paymentsPerCustomer: number
  /** Customers seeded at once (1 keeps ids identical between two fresh servers). */
  readonly concurrency?: number
}

/** The issue's tenant: 20 customers in six currencies (JPY 0, BHD/KWD 3 decimals), 10,400 payments. */
export const largeTenantShape: TenantShape = {
  seed: 16,
  currencies: Array.from({ length: 20 }, (_, index) => ["EUR", "GBP", "USD", "JPY", "BHD", "KWD"][index % 6] ?? "EUR"),
  paymentsPerCustomer: 520,
  concurrency: 4
}

export interface SeededCustomer {
  readonly id: number
  readonly currency: string
  readonly name: string
}

export interface SeededPayment {
  readonly id: number
  readonly customerId: number
  readonly scenario: Scenario
}

export interface SeededTenant {
  readonly customers: ReadonlyArray<SeededCustomer>
  readonly payments: ReadonlyArray<SeededPayment>
  readonly billingEntityId: number
}

const exponents: Readonly<Record<string, number>> = { JPY: 0, BHD: 3, KWD: 3, OMR: 3, JOD: 3 }
const exponentOf = (currency: string) => exponents[currency] ?? 2

/** A deterministic PRNG (mulberry32). */
const random = (seed: number) => {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Minor units as a major-unit decimal string in the currency (`12345` BHD → `"12.345"`). */
export const major = (minor: bigint, currency: string): string => {
  const exponent = exponentOf(currency)
  const sign = minor < 0n ? "-" : ""
  const digits = (minor < 0n ? -minor : minor).toString().padStart(exponent + 1, "0")
  return exponent === 0 ? `${sign}${digits}` : `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`
}

const dayOf = (index: number) => new Date(Date.UTC(2026, 0, 1) + (index % 300) * 86_400_000).toISOString().slice(0, 10)

/** True for a request that died on a reused keep-alive connection before the server read it. */
const isConnectionReset = (error: unknown): boolean => {
  let cause: unknown = error
  for (let depth = 0; depth < 4 && typeof cause === "object" && cause !== null; depth++) {
    const code = (cause as { code?: unknown }).code
    if (code === "ECONNRESET" || code === "UND_ERR_SOCKET") return true
    cause = (cause as { cause?: unknown }).cause
  }
  return false
}

/**
 * The client with every call retried (up to three times) when its connection was reset before the
 * server answered: a keep-alive socket closed by the server just as the client reused it. Long
 * seeding runs on a busy machine meet this; nothing was executed, so the retry books nothing twice.
 */
export const retryingClient = <T extends object>(target: T): T =>
  new Proxy(target, {
    get: (object, property) => {
      const value = (object as Record<PropertyKey, unknown>)[property]
      if (property === "mutate" || property === "query") {
        return async (...args: Array<unknown>) => {
          for (let attempt = 1; ; attempt++) {
            try {
              return await (value as (...inner: Array<unknown>) => Promise<unknown>).apply(object, args)
            } catch (error) {
              if (attempt >= 3 || !isConnectionReset(error)) throw error
            }
          }
        }
      }
      return typeof value === "object" || typeof value === "function" ? retryingClient(value as object) : value
    }
  })

export interface SeedOptions {
  /**
   * Runs the seeding of one customer's records (`work`, after the customer is created) — e.g. as
   * one ledger bulk unit (`direct-seeding.ts`). Default: just runs it.
   */
  readonly customerUnit?: (customerId: number, work: () => Promise<void>) => Promise<void>
}

export const seedTenant = async (
  source: PaybridgeClient,
  shape: TenantShape,
  options: SeedOptions = {}
): Promise<SeededTenant> => {
  const client = retryingClient(source)
  const entity = await client.billingEntities.create.mutate({
    name: "Migration Source Ltd",
    email: "billing@source.test",
    flow: "invoice",
    defaultCurrency: "EUR"
  })
  const gateway = await client.gateways.create.mutate({
    code: "test",
    name: "Test gateway",
    driver: "test",
    enabled: true
  })
  const method = (code: string, name: string, gatewayId: number | null = null) =>
    client.presets.create.mutate({ kind: "method", code, name, available: true, gatewayId })
  const bank = await method("bank-transfer", "Bank transfer")
  const card = await method("card", "Card", gateway.id)
  const directDebit = await method("direct-debit", "Direct debit")
  const type = await client.presets.create.mutate({ kind: "type", code: "standard", name: "Standard payment" })

  const customers: Array<SeededCustomer> = []
  const payments: Array<SeededPayment> = []

  const seedCustomer = async (index: number, currency: string) => {
    const next = random(shape.seed * 7919 + index)
    const amount = (low: number, high: number) => BigInt(Math.floor(low + next() * (high - low)))
    const name = `Customer ${index + 1} ${currency}`
    const customer = await client.customers.create.mutate({
      name,
      currency: currency as "EUR",
      email: `customer${index + 1}@source.test`,
      billingEntityId: entity.id
    })
    customers.push({ id: customer.id, currency, name })
    await (options.customerUnit ?? ((_id, work) => work()))(customer.id, async () => {
      const scale = 10 ** exponentOf(currency)
      /** A random amount between two major amounts, in minor units. */
      const minor = (low: number, high: number) => amount(low * scale, high * scale)
      const money = (low: number, high: number) => major(minor(low, high), currency)
      const issue = (kind: "invoice" | "bill" | "proforma", total: string, day: number) =>
        client.documents.issue.mutate({
          kind,
          customerId: customer.id,
          total,
          billingEntityId: entity.id,
          issueDate: dayOf(day)
        })

      // Open documents that stay unpaid (outstanding amounts to reconcile), and one proforma.
      await issue("invoice", money(50, 900), index)
      await issue("bill", money(50, 900), index + 1)
      await issue("proforma", money(50, 900), index + 2)
      await client.balances.adjust.mutate({ customerId: customer.id, amount: `-${money(1, 30)}`, description: "fee" })

      for (let n = 0; n < shape.paymentsPerCustomer; n++) {
        const scenario = scenarios[(n + index) % scenarios.length] ?? "posted"
        const totalMinor = minor(20, 2000)
        const total = major(totalMinor, currency)
        const base = {
          customerId: customer.id,
          amount: total,
          paymentDate: dayOf(n),
          methodId: bank.id,
          typeId: type.id
        }
        const create = (extra: Record<string, unknown> = {}) =>
          client.payments.create.mutate({ ...base, ...extra, reference: `SRC-${index + 1}-${n + 1}` })
        const draft = () => create({ initialState: "draft" })
        let paymentId: number
        switch (scenario) {
          case "draft":
            paymentId = (await draft()).payment.id
            break
          case "posted":
            paymentId = (await create()).payment.id
            break
          case "allocated-partial": {
            const invoice = await issue("invoice", major(totalMinor * 2n, currency), n)
            paymentId = (await create({ allocations: [{ documentId: invoice.id, amount: total }] })).payment.id
            break
          }
          case "pay-document": {
            const invoice = await issue("invoice", total, n)
            paymentId = (
              await client.payments.payDocument.mutate({
                documentId: invoice.id,
                methodId: bank.id,
                paymentDate: dayOf(n)
              })
            ).payment.id
            break
          }
          case "bill-allocated": {
            const bill = await issue("bill", total, n)
            paymentId = (await create({ allocations: [{ documentId: bill.id, amount: total }] })).payment.id
            break
          }
          case "pending":
          case "collected":
          case "collection-failed": {
            paymentId = (await create({ initialState: "draft", methodId: directDebit.id })).payment.id
            await client.payments.requestCollection.mutate({
              paymentId,
              method: "direct-debit",
              gatewayReference: `DD-${index}-${n}`
            })
            if (scenario === "collected") await client.payments.markCollected.mutate({ paymentId })
            if (scenario === "collection-failed")
              await client.payments.failCollection.mutate({ paymentId, reason: "no funds" })
            break
          }
          case "rejected":
            paymentId = (await draft()).payment.id
            await client.payments.reject.mutate({ paymentId, reason: "cheque bounced" })
            break
          case "cancelled":
            paymentId = (await draft()).payment.id
            await client.payments.cancel.mutate({ paymentId, reason: "entered twice" })
            break
          case "gateway-approved":
          case "gateway-declined":
            paymentId = (
              await create({
                methodId: card.id,
                gatewayId: gateway.id,
                cardToken: scenario === "gateway-approved" ? "4242424242424242" : "4000000000000002"
              })
            ).payment.id
            break
          case "partially-reversed":
          case "reversed":
          case "reinstated": {
            paymentId = (await create()).payment.id
            const part = scenario === "partially-reversed" ? { amount: major(totalMinor / 3n, currency) } : {}
            await client.payments.reverse.mutate({
              paymentId,
              ...part,
              effectiveDate: dayOf(n + 1),
              reason: "chargeback"
            })
            if (scenario === "reinstated") await client.payments.reinstate.mutate({ paymentId })
            break
          }
          case "refund-settled":
          case "refund-requested":
          case "refund-failed": {
            paymentId = (await create()).payment.id
            const refund = await client.payments.refund.mutate({
              paymentId,
              amount: major(totalMinor / 4n, currency),
              reason: "goodwill"
            })
            if (scenario === "refund-settled")
              await client.refunds.transition.mutate({ refundId: refund.id, action: "settle" })
            if (scenario === "refund-failed") {
              await client.refunds.transition.mutate({ refundId: refund.id, action: "submit" })
              await client.refunds.transition.mutate({ refundId: refund.id, action: "fail" })
            }
            break
          }
        }
        payments.push({ id: paymentId, customerId: customer.id, scenario })
      }
    })
  }

  const queue = shape.currencies.map((currency, index) => ({ currency, index }))
  const workers = Array.from({ length: Math.max(1, shape.concurrency ?? 1) }, async () => {
    for (let job = queue.shift(); job !== undefined; job = queue.shift()) await seedCustomer(job.index, job.currency)
  })
  await Promise.all(workers)
  customers.sort((a, b) => a.id - b.id)
  payments.sort((a, b) => a.id - b.id)
  return { customers, payments, billingEntityId: entity.id }
}
