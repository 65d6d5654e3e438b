/**
 * Each vendor's reader against a real Paybridge server serving that vendor's dialect, seeded with a
 * generated tenant (every payment lifecycle scenario, partial reversals, refunds, JPY/EUR/USD/GBP and
 * the 3-decimal BHD and KWD), read once directly and once through the fault-injecting proxy
 * (dropped connections, 500s, 429 with Retry-After, slow pages): both reads yield every record
 * exactly once and the very same records, the payments are exactly those the vendor's API shows,
 * with the ledger's amounts to the minor unit, and the faults really happened and were retried.
 */
import type { CurrencyCode } from "@paybridge/core"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { fingerprintOf } from "../src/checkpoint/checkpoint.ts"
import { minorUnits, type PaymentRecord, type SourceRecord, type VendorId } from "../src/sources/source-model.ts"
import type { Credentials } from "../src/sources/vendor-auth.ts"
import { type FaultProxy, startFaultProxy } from "./support/fault-proxy.ts"
import { type LedgerTruth, readLedgerTruth } from "./support/ledger-truth.ts"
import { currenciesOf, readSource, type SourceRead, selectionOf } from "./support/read-source.ts"
import { type SourceServer, startSourceServer } from "./support/source-server.ts"
import { scenarios, seedTenant } from "./support/tenant-generator.ts"

let server: SourceServer
let proxy: FaultProxy
let truth: LedgerTruth

const currencies = ["EUR", "JPY", "BHD", "USD", "KWD", "GBP"]

beforeAll(async () => {
  server = await startSourceServer()
  await seedTenant(server.client, { seed: 7, currencies, paymentsPerCustomer: scenarios.length + 3 })
  truth = await readLedgerTruth(server.client)
  // A debit per customer through Elevate itself (Elevate shows its own debits, not other protocols' adjustments).
  const elevate = server.dialectUrl("elevate")
  const login = await fetch(`${elevate}/authenticate`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ brand: "source", username: server.email, password: server.password })
  })
  const { token } = (await login.json()) as { token: string }
  for (const customer of truth.customers) {
    const debit = await fetch(`${elevate}/customer-payments`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({
        customerId: customer.id,
        amountInMajorCurrency: -2,
        description: "late fee",
        reference: "FEE",
        type: "CHEQUE",
        billRunType: "NORMAL"
      })
    })
    if (debit.status !== 201) throw new Error(`Elevate debit refused: ${debit.status} ${await debit.text()}`)
  }
  truth = await readLedgerTruth(server.client)
  proxy = await startFaultProxy({
    target: server.url,
    seed: 42,
    rates: { drop: 0.1, error: 0.1, tooMany: 0.1, slow: 0.1 },
    slowMs: 40
  })
}, 180_000)

afterAll(async () => {
  await proxy?.close()
  await server?.stop()
})

const at = (base: string, vendor: VendorId) => `${base}${new URL(server.dialectUrl(vendor)).pathname}`

interface VendorCase {
  readonly vendor: VendorId
  readonly credentials: () => Credentials
  readonly options: () => Parameters<typeof readSource>[3]
  /** The ledger payments this vendor's API shows, and the amount it shows for each (minor units). */
  readonly visible: (truth: LedgerTruth) => ReadonlyMap<string, bigint>
}

const posted = (truth: LedgerTruth) => truth.payments.filter((payment) => payment.state === "posted")
const amountsOf = (
  payments: LedgerTruth["payments"],
  amount = (p: LedgerTruth["payments"][number]) => BigInt(p.amount)
) => new Map(payments.map((payment) => [String(payment.id), amount(payment)]))
const customerCurrencies = () =>
  currenciesOf(
    truth.customers.map((customer) => ({ id: customer.id, number: customer.number, currency: customer.currency }))
  )

const cases: ReadonlyArray<VendorCase> = [
  {
    vendor: "billing-platform-uk",
    credentials: () => ({ "api-key": server.apiKey }),
    options: () => ({
      customers: selectionOf(
        truth.customers.map((customer) => String(customer.id)),
        3
      ),
      customerCurrencies: customerCurrencies()
    }),
    visible: (truth) =>
      amountsOf(truth.payments.filter((payment) => ["draft", "pending", "posted"].includes(payment.state)))
  },
  {
    vendor: "crm-com",
    credentials: () => ({ username: server.email, password: server.password, organisation: "source" }),
    options: () => ({
      customers: selectionOf(
        truth.customers.map((customer) => customer.number),
        2
      ),
      customerCurrencies: customerCurrencies()
    }),
    // CRM.COM shows a POSTED payment partly reversed with the amount that still stands (issue 12.3),
    // and nothing of its original amount: the reader can only read what stands.
    visible: (truth) =>
      new Map(
        truth.payments.map((payment) => [
          payment.publicId,
          payment.state === "posted" && payment.reversedAmount !== "0" && payment.reversedAmount !== payment.amount
            ? BigInt(payment.amount) - BigInt(payment.reversedAmount)
            : BigInt(payment.amount)
        ])
      )
  },
  {
    vendor: "logisense",
    credentials: () => ({ "client-id": "migration", username: server.email, password: server.password }),
    options: () => ({ pageSize: 10, customerCurrencies: customerCurrencies() }),
    visible: (truth) => amountsOf(posted(truth))
  },
  {
    vendor: "elevate",
    credentials: () => ({ brand: "source", username: server.email, password: server.password }),
    options: () => ({ pageSize: 7 }),
    visible: (truth) => amountsOf(posted(truth))
  },
  {
    vendor: "silver",
    credentials: () => ({ "api-key": server.apiKey }),
    options: () => ({ pageSize: 6 }),
    visible: (truth) =>
      amountsOf(
        truth.payments,
        // Silver shows a partly reversed payment with the amount that stands, a fully reversed one whole.
        (payment) =>
          payment.reversedAmount !== "0" && payment.reversedAmount !== payment.amount
            ? BigInt(payment.amount) - BigInt(payment.reversedAmount)
            : BigInt(payment.amount)
      )
  }
]

const payments = (read: SourceRead) =>
  read.records.filter((record): record is PaymentRecord => record.kind === "payment")
const fingerprints = (records: ReadonlyArray<SourceRecord>) => records.map(fingerprintOf).sort()

describe.each(cases)("$vendor reader", (vendorCase) => {
  let direct: SourceRead
  let faulty: SourceRead
  let faultsBefore: number

  beforeAll(async () => {
    direct = await readSource(
      vendorCase.vendor,
      server.dialectUrl(vendorCase.vendor),
      vendorCase.credentials(),
      vendorCase.options()
    )
    faultsBefore = Object.values(proxy.stats.faults).reduce((sum, count) => sum + count, 0)
    faulty = await readSource(
      vendorCase.vendor,
      at(proxy.url, vendorCase.vendor),
      vendorCase.credentials(),
      vendorCase.options()
    )
  }, 120_000)

  test("yields every record exactly once, directly and through the faults", () => {
    expect(direct.duplicates).toEqual([])
    expect(faulty.duplicates).toEqual([])
    expect(direct.records.length).toBeGreaterThan(20)
  })

  test("reads through dropped connections, 500s, 429s and slow pages the very same records", () => {
    const faults = Object.values(proxy.stats.faults).reduce((sum, count) => sum + count, 0) - faultsBefore
    expect(faults).toBeGreaterThan(0)
    expect(faulty.events.filter((event) => event.type === "retry").length).toBeGreaterThan(0)
    expect(fingerprints(faulty.records)).toEqual(fingerprints(direct.records))
  })

  test("yields exactly the payments the vendor's API shows, with the ledger's amounts to the minor unit", () => {
    const expected = vendorCase.visible(truth)
    const read = new Map(payments(faulty).map((payment) => [payment.sourceId, payment]))
    expect([...read.keys()].sort()).toEqual([...expected.keys()].sort())
    for (const [id, amount] of expected) {
      const payment = read.get(id)
      const customer = truth.customers.find((candidate) =>
        [String(candidate.id), candidate.publicId].includes(payment?.customerSourceId ?? "")
      )
      const currency = (payment?.currency ?? customer?.currency) as CurrencyCode
      expect({ id, minor: payment === undefined ? null : minorUnits(payment.amount, currency) }).toEqual({
        id,
        minor: amount
      })
    }
  })

  test("keeps each record's raw vendor record", () => {
    for (const record of faulty.records) expect(record.raw).not.toBeNull()
    const payment = payments(faulty)[0]
    expect(JSON.stringify(payment?.raw)).toContain(payment?.sourceId ?? "?")
  })
})

describe("what each vendor shows beyond payments", () => {
  test("LogiSense: one reversal row per active reversal of a posted payment, never a reinstated one", async () => {
    const read = await readSource("logisense", server.dialectUrl("logisense"), cases[2]?.credentials() ?? {}, {
      pageSize: 50
    })
    const reversals = read.records.filter((record) => record.kind === "reversal")
    const reversedPayments = posted(truth).filter((payment) => payment.reversedAmount !== "0")
    expect(new Set(reversals.map((reversal) => reversal.kind === "reversal" && reversal.paymentSourceId))).toEqual(
      new Set(reversedPayments.map((payment) => String(payment.id)))
    )
    for (const reversal of reversals) expect(Number(reversal.sourceId)).toBeLessThan(0)
  })

  test("Elevate: every customer with its currency and balance to the minor unit, every refund, one debit each", async () => {
    const read = await readSource("elevate", server.dialectUrl("elevate"), cases[3]?.credentials() ?? {}, {
      pageSize: 50
    })
    for (const customer of truth.customers) {
      const record = read.byKey.get(`customer/${customer.id}`)
      expect(record?.kind === "customer" && record.currency).toBe(customer.currency)
      const balance = read.byKey.get(`balance/${customer.id}`)
      expect(balance?.kind === "balance" && minorUnits(balance.balance, customer.currency as CurrencyCode)).toBe(
        BigInt(customer.balance)
      )
    }
    // Each refund is read once, from `GET refunds`, and its movement row names the payment it paid back.
    const refunds = read.records.filter((record) => record.kind === "refund")
    expect(refunds.length).toBe(truth.refunds.length)
    for (const refund of truth.refunds) {
      const record = read.byKey.get(`refund/${refund.id}`)
      expect(record?.kind === "refund" && record.paymentSourceId).toBe(String(refund.paymentId))
    }
    // Since issue 12.3 `customer-payments` lists every balance movement, not only Elevate's own debits:
    // the debits keep their reference, one each; every reversal of a posted payment is a reversal of the
    // payment its row names (by the id Elevate shows), a reinstatement undoes it.
    const adjustments = read.records.filter((record) => record.kind === "adjustment")
    const debits = adjustments.filter((record) => JSON.stringify(record.raw).includes('"reference":"FEE"'))
    expect(new Set(debits.map((record) => record.customerSourceId))).toEqual(
      new Set(truth.customers.map((customer) => String(customer.id)))
    )
    expect(debits.length).toBe(truth.customers.length)
    expect(adjustments.filter((record) => record.notes.some((note) => note.includes("reversal")))).toEqual([])
    const reversed = new Map<string, bigint>()
    for (const record of read.records) {
      if (record.kind !== "reversal" && record.kind !== "reinstatement") continue
      const payment = posted(truth).find((candidate) => String(candidate.id) === record.paymentSourceId)
      expect(payment).toBeDefined()
      const minor = minorUnits(record.amount ?? "0", payment?.currency as CurrencyCode)
      const sum = (reversed.get(record.paymentSourceId) ?? 0n) + (record.kind === "reversal" ? minor : -minor)
      reversed.set(record.paymentSourceId, sum)
    }
    expect(
      posted(truth)
        .filter((payment) => payment.reversedAmount !== "0")
        .map((payment) => [String(payment.id), BigInt(payment.reversedAmount)])
        .sort()
    ).toEqual([...reversed].filter(([, amount]) => amount !== 0n).sort())
  })

  test("Billing Platform (UK): refund rows except cancelled and failed refunds, and the active reversals", async () => {
    const read = await readSource(
      "billing-platform-uk",
      server.dialectUrl("billing-platform-uk"),
      { "api-key": server.apiKey },
      {
        customers: selectionOf(truth.customers.map((customer) => String(customer.id)))
      }
    )
    const refunds = read.records.filter((record) => record.kind === "refund").map((record) => record.sourceId)
    expect(refunds.sort()).toEqual(
      truth.refunds
        .filter((refund) => !["cancelled", "failed"].includes(refund.state))
        .map((refund) => `R${refund.id}`)
        .sort()
    )
    const reversals = read.records.filter((record) => record.kind === "reversal").length
    expect(reversals).toBe(
      truth.payments.filter((payment) => payment.reversedAmount !== "0" && payment.state === "posted").length
    )
  })

  test("a customer named on its own that the vendor does not know is an error; from a range it is skipped", async () => {
    await expect(
      readSource(
        "billing-platform-uk",
        server.dialectUrl("billing-platform-uk"),
        { "api-key": server.apiKey },
        {
          customers: [{ id: "999", probe: false }]
        }
      )
    ).rejects.toThrow(/HTTP 404/u)
    const probed = await readSource("crm-com", server.dialectUrl("crm-com"), cases[1]?.credentials() ?? {}, {
      customers: [{ id: "999", probe: true }]
    })
    expect(probed.records).toEqual([])
  })
})
