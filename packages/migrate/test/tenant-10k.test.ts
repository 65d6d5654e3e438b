/**
 * Issue 16's scale test: a source tenant of ≥ 10,000 payments (`largeTenantShape`: 20 customers in
 * EUR/GBP/USD/JPY/BHD/KWD, every lifecycle scenario, partial reversals, refunds) seeded once,
 * directly into the source server's ledger through the core services (`support/direct-seeding.ts`,
 * one bulk unit per customer), then for each of the five vendors: migrate A → B (a fresh SQLite
 * ledger, booked on the bulk path) in a run killed mid-way (stopped after a few batches, as Ctrl-C
 * does) and resumed; every payment the vendor shows is in B with the state and amounts the vendor
 * shows of A's, to the minor unit, refunds per customer where the vendor names no payment; given the
 * vendor's balances file (`--balances`, from A's customers), every customer's balance in B equals A's
 * and what was brought forward is exactly what the vendor's API does not show of it
 * (`support/balance-view.ts`: nothing for Elevate, whose shown balance the file agrees with); the
 * reconciliation (file balances included) finds no difference; a second run books nothing. Then B's server serves the vendor's dialect and the shadow proxy stands in front
 * of A and B (ids mapped through the migration's records): a sample of the vendor's usual reads over
 * the migrated data — a few hundred payments by the ids their clients stored, spread over customers,
 * states and currencies, per-customer lists and their pages, filters (`support/shadow-vendors.ts`) —
 * matches 100 % but for the losses listed (`knownLosses`), and a difference planted in B is reported
 * with its endpoint, field and both values. Every vendor reads every customer, the 0- and
 * 3-decimal ones included (Silver shows each currency's ISO 4217 decimals).
 */
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type CurrencyCode, Parties, Payments } from "@paybridge/core"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { type Ledger, openLedger } from "../src/booking/ledger-runtime.ts"
import { listMigrated } from "../src/booking/migrated-records.ts"
import { reconcile } from "../src/booking/reconciliation.ts"
import { loadShadowIdTable } from "../src/booking/shadow-id-table.load.ts"
import type { Difference } from "../src/shadow/json-compare.ts"
import { writeReadinessReport } from "../src/shadow/readiness-report.ts"
import { minorUnits, type VendorId } from "../src/sources/source-model.ts"
import {
  type BalanceParts,
  balanceNotShown,
  balancesFileOf,
  readBalanceParts,
  sourceKeysOf
} from "./support/balance-view.ts"
import { seedTenantDirect } from "./support/direct-seeding.ts"
import { type LedgerCustomer, type LedgerPayment, type LedgerTruth, readLedgerTruth } from "./support/ledger-truth.ts"
import { type Migration, migrateInto } from "./support/migrate-into.ts"
import { currenciesOf } from "./support/read-source.ts"
import {
  clientAt,
  type ListScope,
  plantDifference,
  shadowVendors,
  startMigratedShadow
} from "./support/shadow-vendors.ts"
import { type SourceServer, startSourceServer } from "./support/source-server.ts"
import { largeTenantShape } from "./support/tenant-generator.ts"
import { vendorRules } from "./support/vendor-views.ts"

let server: SourceServer
let truth: LedgerTruth
let balanceParts: ReadonlyMap<number, BalanceParts>
let dir: string
let seedSeconds = 0

/** The first run of each vendor is stopped after this many batches (every vendor's view of the tenant has more). */
const killedAfterBatches = 2

beforeAll(async () => {
  server = await startSourceServer({
    prepare: async (databaseUrl) => {
      const started = Date.now()
      await seedTenantDirect(databaseUrl, largeTenantShape)
      seedSeconds = (Date.now() - started) / 1000
    }
  })
  truth = await readLedgerTruth(server.client)
  balanceParts = await readBalanceParts(server.client, truth)
  dir = await mkdtemp(join(tmpdir(), "paybridge-migrate-10k-"))
}, 600_000)

afterAll(async () => {
  await server?.stop()
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
})

test("the source tenant has ≥ 10,000 payments in every state, partial reversals, refunds, 0/2/3-decimal currencies", () => {
  expect(truth.payments.length).toBeGreaterThanOrEqual(10_000)
  expect(new Set(truth.payments.map((payment) => payment.state))).toEqual(
    new Set(["draft", "posted", "pending", "rejected", "cancelled"])
  )
  expect(
    truth.payments.some((payment) => payment.reversedAmount !== "0" && payment.reversedAmount !== payment.amount)
  ).toBe(true)
  expect(truth.refunds.length).toBeGreaterThan(1000)
  expect(new Set(truth.customers.map((customer) => customer.currency))).toEqual(
    new Set(["EUR", "GBP", "USD", "JPY", "BHD", "KWD"])
  )
  expect(seedSeconds).toBeGreaterThan(0)
  process.stdout.write(`seeded ${truth.payments.length} payments directly in ${seedSeconds.toFixed(1)} s\n`)
})

const bigints = (_key: string, value: unknown) => (typeof value === "bigint" ? value.toString() : value)

/** Every migrated payment and customer in B: source id → figures (minor units). */
const ledgerB = (ledger: Ledger, vendor: VendorId) =>
  ledger.run(
    Effect.gen(function* () {
      const payments = yield* Payments
      const parties = yield* Parties
      const paymentsById = new Map<string, { amount: bigint; state: string; reversed: bigint; refunded: bigint }>()
      const balances = new Map<string, bigint>()
      const broughtForward = new Map<string, string>()
      for (const record of yield* listMigrated(vendor)) {
        if (record.key.startsWith("balance/file:")) {
          const amount = (record.data as { broughtForward?: unknown }).broughtForward
          broughtForward.set(record.key.slice("balance/file:".length), typeof amount === "string" ? amount : "0")
        }
        if (record.data.ledgerId === null) continue
        if (record.data.ledgerKind === "payment") {
          const { payment } = yield* payments.getPayment({ id: record.data.ledgerId as never })
          paymentsById.set(record.key.slice("payment/".length), {
            amount: payment.amount,
            state: payment.state,
            reversed: payment.reversedAmount,
            refunded: payment.refundedAmount
          })
        } else if (record.data.ledgerKind === "customer") {
          const customer = yield* parties.getCustomer(record.data.ledgerId as never)
          balances.set(record.key.slice("customer/".length), customer.balance)
        }
      }
      return { payments: paymentsById, balances, broughtForward }
    })
  )

const vendorsUnderTest: ReadonlyArray<VendorId> = ["billing-platform-uk", "crm-com", "logisense", "elevate", "silver"]

/**
 * A few hundred of the payments B holds (`migrated`), spread over customers (so currencies) and
 * states, whole and reversed: the same number from each such group, evenly over its history.
 */
const spreadSample = (payments: ReadonlyArray<LedgerPayment>, size: number) => {
  const groups = new Map<string, Array<LedgerPayment>>()
  for (const payment of payments) {
    const key = `${payment.customerId}|${payment.state}|${payment.reversedAmount === "0" ? "whole" : "reversed"}`
    groups.set(key, [...(groups.get(key) ?? []), payment])
  }
  const perGroup = Math.max(1, Math.ceil(size / groups.size))
  const sample: Array<LedgerPayment> = []
  for (const group of groups.values()) {
    const taken = Math.min(perGroup, group.length)
    for (let index = 0; index < taken; index++) {
      sample.push(group[Math.floor(((index + 0.5) * group.length) / taken)] as LedgerPayment)
    }
  }
  return sample
}

/**
 * What still differs on this tenant's migrated data (README "What is still missing"), per vendor: a
 * mirrored read whose every difference one of these explains is counted apart, any other difference
 * fails the test. None now: LogiSense's reversal rows name their payment as LogiSense did (the
 * migration keeps `reversePaymentName` with the reversal).
 */
const knownLosses: Readonly<Record<VendorId, (endpoint: string, differences: ReadonlyArray<Difference>) => boolean>> = {
  "billing-platform-uk": () => false,
  "crm-com": () => false,
  logisense: () => false,
  elevate: () => false,
  silver: () => false
}

/** Which lists the shadow reads: one customer per currency, pages spread over each list (LogiSense's: every account's). */
const listScope = (vendor: VendorId, customers: ReadonlyArray<LedgerCustomer>): ListScope => ({
  customers: [...new Map(customers.map((customer) => [customer.currency, customer])).values()],
  pages: 8,
  pageStep: vendor === "logisense" ? 100 : 20
})

describe.each(vendorsUnderTest)("%s: 10,000 payments A → B", (vendor) => {
  const rules = vendorRules[vendor]
  const client = shadowVendors[vendor]
  const ledgerUrl = () => `sqlite:${join(dir, `${vendor}.sqlite`)}`
  let ledger: Ledger
  let ledgerOpen = false
  let interrupted: Migration
  let first: Migration
  const migrate = (interruptAfterBatches?: number) =>
    migrateInto(ledger, vendor, server.dialectUrl(vendor), rules.credentials(server, server.apiKey), {
      reader: rules.reader(truth.customers, currenciesOf(truth.customers)),
      // A customer's 520 payments in one answer (Billing Platform (UK), CRM.COM) take seconds to build on a busy machine.
      timeoutMs: 120_000,
      balances: balancesFileOf(vendor, truth.customers),
      ...(interruptAfterBatches === undefined ? {} : { interruptAfterBatches })
    })

  beforeAll(async () => {
    ledger = await openLedger(ledgerUrl())
    ledgerOpen = true
    const started = Date.now()
    // The first run is killed mid-way (after a few batches, as Ctrl-C does) and started again: it resumes.
    interrupted = await migrate(killedAfterBatches)
    first = await migrate()
    const { sourceMs, sinkMs } = first.summary.timings
    process.stdout.write(
      `${vendor}: ${interrupted.summary.status} after ${killedAfterBatches} batches (${interrupted.summary.counts.payment?.read ?? 0} payments), resumed: ${first.summary.status}${first.summary.error === null ? "" : ` (${first.summary.error})`}, ${first.summary.counts.payment?.read ?? 0} payments in ${((Date.now() - started) / 1000).toFixed(1)} s (resumed run: source ${(sourceMs / 1000).toFixed(1)} s, ledger ${(sinkMs / 1000).toFixed(1)} s)\n`
    )
  }, 900_000)

  afterAll(async () => {
    if (ledgerOpen) await ledger.close()
  })

  test("a run killed mid-way and resumed completes, nothing refused, and reconciles", async () => {
    expect(interrupted.summary.status).toBe("interrupted")
    expect(first.summary.error).toBeNull()
    expect(first.summary.status).toBe("completed")
    expect(first.summary.id).toBe(interrupted.summary.id)
    expect(first.summary.resumes).toBe(1)
    expect(first.summary.duplicates).toBe(0)
    expect([...interrupted.sink.refusals(), ...first.sink.refusals()]).toEqual([])
    expect(first.balances).toHaveLength(truth.customers.length)
    const report = await ledger.run(reconcile(vendor, first.summary.id, first.sink.refusals(), first.balances))
    expect(report.differences).toEqual([])
    expect(report.customers.filter((customer) => customer.source.balance !== null)).toHaveLength(truth.customers.length)
    expect(report.matched).toBe(true)
  })

  test("every payment's amount and state, and every customer's balance, equal A's to the minor unit", async () => {
    const b = await ledgerB(ledger, vendor)
    expect(b.payments.size).toBe(first.summary.counts.payment?.read)
    expect(b.payments.size).toBeGreaterThan(truth.payments.length / 2)
    const differences: Array<string> = []
    const refundedA = new Map<number, bigint>()
    const refundedB = new Map<number, bigint>()
    for (const [sourceId, inB] of b.payments) {
      const a = truth.payments.find((payment) => String(payment.id) === sourceId || payment.publicId === sourceId)
      if (a === undefined) {
        differences.push(`${sourceId}: not at the source`)
        continue
      }
      const expected = rules.view(a)
      const actual = { state: inB.state, standing: inB.amount - inB.reversed, refunded: inB.refunded }
      if (rules.refundsPerCustomer) {
        refundedA.set(a.customerId, (refundedA.get(a.customerId) ?? 0n) + BigInt(a.refundedAmount))
        refundedB.set(a.customerId, (refundedB.get(a.customerId) ?? 0n) + inB.refunded)
        actual.refunded = expected.refunded
      }
      if (JSON.stringify(expected, bigints) !== JSON.stringify(actual, bigints)) {
        differences.push(
          `${sourceId}: expected ${JSON.stringify(expected, bigints)}, booked ${JSON.stringify(actual, bigints)}`
        )
      }
    }
    expect(differences.slice(0, 20)).toEqual([])
    expect(refundedB).toEqual(refundedA)
    // With the balances file B's balance is A's; what was brought forward is exactly what the vendor's API does
    // not show of it (nothing for Elevate: the file is compared with the balance it shows).
    const balanceDifferences: Array<string> = []
    let notShown = 0n
    for (const customer of truth.customers) {
      const inB = sourceKeysOf(customer)
        .map((key) => b.balances.get(key))
        .find((balance) => balance !== undefined)
      const parts = balanceParts.get(customer.id)
      if (parts === undefined) throw new Error(`no balance chain read for customer ${customer.id}`)
      const missing = balanceNotShown[vendor](parts)
      notShown += missing < 0n ? -missing : missing
      const forward = sourceKeysOf(customer)
        .map((key) => b.broughtForward.get(key))
        .find((amount) => amount !== undefined)
      const forwardMinor = forward === undefined ? 0n : minorUnits(forward, customer.currency as CurrencyCode)
      if (inB !== BigInt(customer.balance) || forwardMinor !== missing)
        balanceDifferences.push(
          `customer ${customer.id} (${customer.currency}): A ${customer.balance}, B ${inB}; brought forward ${forwardMinor}, not shown ${missing}`
        )
    }
    process.stdout.write(
      `${vendor}: ${truth.customers.length - balanceDifferences.length}/${truth.customers.length} balances equal A's; brought forward from the balances file (what the vendor does not show): ${notShown} minor units (Σ |per customer|)\n`
    )
    expect(balanceDifferences).toEqual([])
    // One read per migrated payment (10,400 for CRM.COM): over 30 s on a loaded machine.
  }, 300_000)

  test("a second run books nothing", async () => {
    const before = await ledgerB(ledger, vendor)
    const second = await migrate()
    expect(second.summary.status).toBe("completed")
    expect(
      Object.values(second.summary.counts).reduce((sum, counts) => sum + (counts?.new ?? 0) + (counts?.changed ?? 0), 0)
    ).toBe(0)
    expect(await ledgerB(ledger, vendor)).toEqual(before)
  }, 600_000)

  test("the shadow proxy reads the migrated data 100 % matching, and reports a difference planted in B", async () => {
    const table = await ledger.run(loadShadowIdTable(vendor))
    await ledger.close()
    ledgerOpen = false
    const started = Date.now()
    // Every compared read: matched, or differing only by the vendor's known losses, or else (listed, failing).
    let lossReads = 0
    const unexplained = new Map<string, string>()
    const { target, proxy } = await startMigratedShadow(client, server, ledgerUrl(), table, (endpoint, differences) => {
      if (differences.length === 0) return
      if (knownLosses[vendor](endpoint, differences)) lossReads++
      else {
        for (const difference of differences) {
          const field = `${endpoint} ${difference.path.replace(/\[\d+\]/gu, "[]")}`
          if (!unexplained.has(field)) unexplained.set(field, `${difference.vendor} ≠ ${difference.paybridge}`)
        }
      }
    })
    try {
      const get = clientAt(vendor, proxy.url, client.sourceCredentials(server, server.apiKey))
      const migrated = truth.payments.filter(
        (payment) => table.byVendor("payment", { by: "sourceId" }, client.sourceIdOf(payment)) !== undefined
      )
      const sample = spreadSample(migrated, 300)
      await client.listReads(get, listScope(vendor, truth.customers))
      for (const payment of sample) await client.readById(get, client.storedId(payment))
      await proxy.settled()
      const report = proxy.report()
      await writeReadinessReport(join(dir, `${vendor}-10k-shadow`), report)
      const seconds = ((Date.now() - started) / 1000).toFixed(1)
      process.stdout.write(
        `${vendor} shadow: ${report.reads} reads compared (${sample.length} payments by id over ${new Set(sample.map((payment) => payment.customerId)).size} customers, states ${[...new Set(sample.map((payment) => payment.state))].join("/")}), ${report.matched} matched, ${lossReads} differing only by known losses, in ${seconds} s\n`
      )
      expect(Object.fromEntries(unexplained)).toEqual({})
      expect(report.endpoints.filter((endpoint) => endpoint.errors > 0)).toEqual([])
      expect(report.matched + lossReads).toBe(report.reads)
      expect(report.reads).toBeGreaterThan(sample.length)
      expect(new Set(sample.map((payment) => payment.customerId)).size).toBe(truth.customers.length)

      const victim = sample.find(
        (payment) => payment.state === "posted" && payment.reversedAmount === "0" && payment.refundedAmount === "0"
      )
      if (victim === undefined) throw new Error("no posted payment in the sample")
      await plantDifference(client, target, table, victim)
      await client.readPayment(get, client.storedId(victim))
      await proxy.settled()
      const endpoint = proxy.report().endpoints.find((entry) => entry.endpoint === client.paymentEndpoint)
      expect(endpoint?.mismatched).toBe(1)
      const planted = (endpoint?.differences ?? []).filter(
        (difference) =>
          difference.request.includes(client.storedId(victim)) && client.plantedField.test(difference.path)
      )
      expect(planted.length).toBeGreaterThan(0)
      for (const difference of planted) {
        expect(difference.vendor).not.toBe(difference.paybridge)
        expect(difference.vendor).not.toBe("(absent)")
      }
      // …and it is no known loss.
      expect([...unexplained.keys()].filter((field) => !field.startsWith(`${client.paymentEndpoint} `))).toEqual([])
    } finally {
      await proxy.close()
      await target.stop()
    }
  }, 600_000)
})
