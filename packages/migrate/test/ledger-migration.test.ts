/**
 * Migration A → B per vendor (issue 16 "Tests"): the source A is a Paybridge server serving the
 * vendor's dialect, seeded with a generated tenant, behind the fault-injecting proxy; B is a fresh
 * ledger (SQLite file). Every payment the vendor shows is in B under its external ref with the
 * amount and state the vendor shows, to the minor unit; every customer's balance in B is A's minus
 * exactly what the vendor's API does not show of it (`support/balance-view.ts`), and with the vendor's
 * balances file (`--balances`) exactly A's, a changed file value booking only its change; a second run books nothing; a run
 * interrupted mid-way and resumed ends exactly like the uninterrupted one. The vendor cases (credentials,
 * reader options, what each vendor's API shows) and the readings of B are `support/ledger-migration-cases.ts`.
 */
import { spawn } from "node:child_process"
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { Parties, Payments } from "@paybridge/core"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { type Ledger, openLedger } from "../src/booking/ledger-runtime.ts"
import { reconcile, reconciliationMarkdown } from "../src/booking/reconciliation.ts"
import type { VendorId } from "../src/sources/source-model.ts"
import { vendors } from "../src/sources/vendors.ts"
import {
  type BalanceParts,
  balanceNotShown,
  balancesCsvOf,
  balancesFileOf,
  readBalanceParts,
  sourceKeysOf
} from "./support/balance-view.ts"
import { type FaultProxy, startFaultProxy } from "./support/fault-proxy.ts"
import {
  balancesIn,
  bigints,
  booked,
  ledgerMigrationCases,
  listMigratedIn,
  paymentsIn
} from "./support/ledger-migration-cases.ts"
import { type LedgerTruth, readLedgerTruth } from "./support/ledger-truth.ts"
import { migrateInto } from "./support/migrate-into.ts"
import { fastHttp } from "./support/read-source.ts"
import { type SourceServer, startSourceServer } from "./support/source-server.ts"
import { scenarios, seedTenant } from "./support/tenant-generator.ts"

let server: SourceServer
let proxy: FaultProxy
let truth: LedgerTruth
let balanceParts: ReadonlyMap<number, BalanceParts>
let dir: string

beforeAll(async () => {
  server = await startSourceServer()
  await seedTenant(server.client, {
    seed: 5,
    currencies: ["EUR", "JPY", "USD", "GBP", "BHD"],
    paymentsPerCustomer: scenarios.length + 2
  })
  truth = await readLedgerTruth(server.client)
  balanceParts = await readBalanceParts(server.client, truth)
  proxy = await startFaultProxy({
    target: server.url,
    seed: 11,
    rates: { drop: 0.05, error: 0.05, tooMany: 0.05, slow: 0.05 },
    slowMs: 20
  })
  dir = await mkdtemp(join(tmpdir(), "paybridge-migrate-ledger-"))
}, 180_000)

afterAll(async () => {
  await proxy?.close()
  await server?.stop()
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
})

const at = (vendor: VendorId) => `${proxy.url}${new URL(server.dialectUrl(vendor)).pathname}`
const cases = ledgerMigrationCases(() => ({ server, truth }))

describe.each(cases)("$vendor → ledger", (vendorCase) => {
  let ledger: Ledger
  let first: Awaited<ReturnType<typeof migrateInto>>

  beforeAll(async () => {
    ledger = await openLedger(`sqlite:${join(dir, `${vendorCase.vendor}.sqlite`)}`)
    // B already holds a payment of its own, so migrated payments get ledger ids other than their source ids.
    await ledger.run(
      Effect.gen(function* () {
        const customer = yield* (yield* Parties).createCustomer({ name: "Before the migration", currency: "EUR" })
        for (const amount of ["1.00", "2.00", "3.00"]) {
          yield* (yield* Payments).createPayment({ customerId: customer.id, amount })
        }
      })
    )
    first = await migrateInto(ledger, vendorCase.vendor, at(vendorCase.vendor), vendorCase.credentials(), {
      reader: vendorCase.reader()
    })
  }, 300_000)

  afterAll(async () => {
    await ledger?.close()
  })

  test("the run completes and the ledger refuses nothing", () => {
    expect(first.summary.error).toBeNull()
    expect(first.summary.status).toBe("completed")
    expect([...first.sink.refusals()]).toEqual([])
  })

  test("every payment is booked under its external ref with the state and amounts the vendor shows, to the minor unit", async () => {
    const inB = await paymentsIn(ledger, vendorCase.vendor)
    expect(inB.size).toBe(first.summary.counts.payment?.read)
    const differences: Array<string> = []
    const refundedA = new Map<number, bigint>()
    const refundedB = new Map<number, bigint>()
    for (const [sourceId, b] of inB) {
      const a = truth.payments.find((payment) => String(payment.id) === sourceId || payment.publicId === sourceId)
      if (a === undefined) {
        differences.push(`${sourceId}: not at the source`)
        continue
      }
      const expected = vendorCase.view(a)
      const actual = { state: b.state, standing: b.amount - b.reversed, refunded: b.refunded }
      if (
        vendorCase.draftIsPosted &&
        ["draft", "posted"].includes(actual.state) &&
        ["draft", "posted"].includes(expected.state)
      ) {
        actual.state = expected.state
      }
      if (vendorCase.refundsPerCustomer) {
        refundedA.set(a.customerId, (refundedA.get(a.customerId) ?? 0n) + BigInt(a.refundedAmount))
        refundedB.set(a.customerId, (refundedB.get(a.customerId) ?? 0n) + b.refunded)
        actual.refunded = expected.refunded
      }
      if (JSON.stringify(expected, bigints) !== JSON.stringify(actual, bigints)) {
        differences.push(
          `${sourceId}: expected ${JSON.stringify(expected, bigints)}, booked ${JSON.stringify(actual, bigints)}`
        )
      }
    }
    expect(differences).toEqual([])
    expect(refundedB).toEqual(refundedA)
    expect(inB.size).toBeGreaterThan(0)
  })

  test("the reconciliation report finds every customer's figures equal at the source and in B", async () => {
    const report = await ledger.run(reconcile(vendorCase.vendor, first.summary.id, first.sink.refusals()))
    expect(report.differences).toEqual([])
    expect(report.matched).toBe(true)
    expect(report.customers.length).toBe(truth.customers.length)
    const markdown = reconciliationMarkdown(report)
    expect(markdown).toContain("everything matches")
    expect(markdown).toContain(`| ${report.customers[0]?.customerSourceId} |`)
  })

  test("every customer's balance in B is A's minus exactly what the vendor's API does not show, to the minor unit", async () => {
    const balances = await balancesIn(ledger, vendorCase.vendor)
    const differences: Array<string> = []
    for (const customer of truth.customers) {
      const inB = sourceKeysOf(customer)
        .map((key) => balances.get(key))
        .find((balance) => balance !== undefined)
      const parts = balanceParts.get(customer.id)
      if (parts === undefined) throw new Error(`no balance chain read for customer ${customer.id}`)
      const expected = BigInt(customer.balance) - balanceNotShown[vendorCase.vendor](parts)
      if (inB !== expected)
        differences.push(`customer ${customer.id}: A ${customer.balance}, expected ${expected}, B ${inB}`)
    }
    expect(differences).toEqual([])
  })

  test("a second run books nothing", async () => {
    const before = await paymentsIn(ledger, vendorCase.vendor)
    const second = await migrateInto(ledger, vendorCase.vendor, at(vendorCase.vendor), vendorCase.credentials(), {
      reader: vendorCase.reader()
    })
    expect(second.summary.status).toBe("completed")
    // Nothing new (no duplicate), nothing changed; the ledger's payments stay exactly as they were.
    expect(Object.values(second.summary.counts).reduce((sum, counts) => sum + (counts?.new ?? 0), 0)).toBe(0)
    expect(booked(second.summary)).toBe(0)
    expect(await paymentsIn(ledger, vendorCase.vendor)).toEqual(before)
  }, 300_000)

  test("with the vendor's balances file every customer's balance in B is A's; again it books nothing; a changed value books its change", async () => {
    const { vendor } = vendorCase
    const run = (balances: ReturnType<typeof balancesFileOf>) =>
      migrateInto(ledger, vendor, at(vendor), vendorCase.credentials(), { reader: vendorCase.reader(), balances })
    const inB = async () => {
      const balances = await balancesIn(ledger, vendor)
      return new Map(
        truth.customers.map((customer) => [
          customer.id,
          sourceKeysOf(customer)
            .map((key) => balances.get(key))
            .find((balance) => balance !== undefined)
        ])
      )
    }
    const differencesFrom = (balances: ReadonlyMap<number, bigint | undefined>, moved: (id: number) => bigint) =>
      truth.customers
        .filter((customer) => balances.get(customer.id) !== BigInt(customer.balance) + moved(customer.id))
        .map((customer) => `customer ${customer.id}: A ${customer.balance}, B ${balances.get(customer.id)}`)

    const withFile = await run(balancesFileOf(vendor, truth.customers))
    expect(withFile.summary.status).toBe("completed")
    expect([...withFile.sink.refusals()]).toEqual([])
    expect(withFile.balances).toHaveLength(truth.customers.length)
    // Elevate shows the balance itself: the file is compared with it, nothing brought forward.
    expect(withFile.summary.counts.balance?.new ?? 0).toBe(vendor === "elevate" ? 0 : truth.customers.length)
    expect(differencesFrom(await inB(), () => 0n)).toEqual([])
    const report = await ledger.run(reconcile(vendor, withFile.summary.id, withFile.sink.refusals(), withFile.balances))
    expect(report.differences).toEqual([])
    expect(report.customers.filter((customer) => customer.source.balance !== null)).toHaveLength(truth.customers.length)

    const again = await run(balancesFileOf(vendor, truth.customers))
    expect(booked(again.summary)).toBe(0)
    expect(differencesFrom(await inB(), () => 0n)).toEqual([])

    // The finance team's figure for one customer moved by 1.50 (150 minor units): only that change is booked.
    const target = truth.customers[0]
    if (target === undefined) throw new Error("no customer")
    const moved = (id: number) => (id === target.id ? 150n : 0n)
    const changed = await run(balancesFileOf(vendor, truth.customers, (customer) => moved(customer.id)))
    const changedReport = await ledger.run(
      reconcile(vendor, changed.summary.id, changed.sink.refusals(), changed.balances)
    )
    if (vendor === "elevate") {
      // The file disagrees with the balance Elevate shows: B keeps Elevate's, the difference is reported.
      expect(booked(changed.summary)).toBe(0)
      expect(differencesFrom(await inB(), () => 0n)).toEqual([])
      expect(changedReport.differences).toEqual([
        expect.objectContaining({ field: "balance", customerSourceId: String(target.id) })
      ])
      expect(changedReport.matched).toBe(false)
      return
    }
    expect(changed.summary.counts.balance).toMatchObject({ new: 0, changed: 1 })
    expect(booked(changed.summary)).toBe(1)
    expect(differencesFrom(await inB(), moved)).toEqual([])
    expect(changedReport.differences).toEqual([])
    // A file value B does not hold is reported: the first file's, now 1.50 off for that customer.
    const stale = await ledger.run(reconcile(vendor, changed.summary.id, new Map(), withFile.balances))
    expect(stale.differences).toEqual([
      expect.objectContaining({ field: "balance", customerSourceId: withFile.balances[0]?.customerSourceId })
    ])

    // The same balances exported with the other sign and `--balance-sign` saying so: the rows' text changed, the
    // values did not — no customer's balance moves and the reconciliation still matches.
    const otherSign = vendors[vendor].balanceSign === "credit-positive" ? "owed-positive" : "credit-positive"
    const flipped = await run(balancesFileOf(vendor, truth.customers, (customer) => moved(customer.id), otherSign))
    expect(flipped.summary.status).toBe("completed")
    expect(flipped.summary.counts.balance?.new ?? 0).toBe(0)
    expect(differencesFrom(await inB(), moved)).toEqual([])
    const flippedReport = await ledger.run(
      reconcile(vendor, flipped.summary.id, flipped.sink.refusals(), flipped.balances)
    )
    expect(flippedReport.differences).toEqual([])
  }, 300_000)

  test("a difference planted in B is listed by the reconciliation", async () => {
    const resumedPath = `sqlite:${join(dir, `${vendorCase.vendor}-planted.sqlite`)}`
    const planted = await openLedger(resumedPath)
    try {
      const run = await migrateInto(planted, vendorCase.vendor, at(vendorCase.vendor), vendorCase.credentials(), {
        reader: vendorCase.reader()
      })
      const victim = (await listMigratedIn(planted, vendorCase.vendor)).find(
        (record) => record.data.ledgerKind === "payment" && record.data.source.state === "posted"
      )
      if (victim?.data.ledgerId == null) throw new Error("no posted payment migrated")
      await planted.run(
        Effect.flatMap(Payments, (payments) =>
          payments.reversePayment({ paymentId: victim.data.ledgerId as never, amount: "1", reason: "planted" })
        )
      )
      const report = await planted.run(reconcile(vendorCase.vendor, run.summary.id))
      expect(report.matched).toBe(false)
      expect(report.differences.map((difference) => difference.field)).toEqual(
        expect.arrayContaining(["reversals", "reversedSum"])
      )
      expect(
        report.differences.every((difference) => difference.customerSourceId === victim.data.source.customerSourceId)
      ).toBe(true)
    } finally {
      await planted.close()
    }
  }, 300_000)

  test("a run interrupted mid-way and resumed ends exactly like the uninterrupted run, the balances file included", async () => {
    const resumed = await openLedger(`sqlite:${join(dir, `${vendorCase.vendor}-resumed.sqlite`)}`)
    // The file names customers as the vendor's clients do (CRM.COM: account numbers), also those only the interrupted run read.
    const balances = balancesFileOf(vendorCase.vendor, truth.customers)
    try {
      const interrupted = await migrateInto(
        resumed,
        vendorCase.vendor,
        at(vendorCase.vendor),
        vendorCase.credentials(),
        {
          reader: vendorCase.reader(),
          interruptAfterBatches: 2,
          balances
        }
      )
      expect(interrupted.summary.status).toBe("interrupted")
      const finished = await migrateInto(resumed, vendorCase.vendor, at(vendorCase.vendor), vendorCase.credentials(), {
        reader: vendorCase.reader(),
        balances
      })
      expect(finished.summary.error).toBeNull()
      expect(finished.summary.status).toBe("completed")
      expect(finished.summary.resumes).toBe(1)
      expect(await paymentsIn(resumed, vendorCase.vendor)).toEqual(await paymentsIn(ledger, vendorCase.vendor))
      const inResumed = await balancesIn(resumed, vendorCase.vendor)
      const differences = truth.customers
        .map((customer) => ({
          customer,
          inB: sourceKeysOf(customer)
            .map((key) => inResumed.get(key))
            .find((balance) => balance !== undefined)
        }))
        .filter(({ customer, inB }) => inB !== BigInt(customer.balance))
        .map(({ customer, inB }) => `customer ${customer.id}: A ${customer.balance}, B ${inB}`)
      expect(differences).toEqual([])
    } finally {
      await resumed.close()
    }
  }, 300_000)

  test("B's dialect answers the ids the source's clients stored", async () => {
    await ledger.close()
    const target = await startSourceServer({ databaseUrl: `sqlite:${join(dir, `${vendorCase.vendor}.sqlite`)}` })
    try {
      const credentials =
        vendorCase.vendor === "billing-platform-uk" || vendorCase.vendor === "silver"
          ? { "api-key": target.apiKey }
          : vendorCase.credentials()
      const http = fastHttp(vendorCase.vendor, target.dialectUrl(vendorCase.vendor), credentials)
      const migrated = await paymentsIn(await reopen(), vendorCase.vendor)
      const answered: Array<string> = []
      const missing: Array<string> = []
      for (const payment of truth.payments.filter(
        (candidate) => candidate.state === "posted" && candidate.reversedAmount === "0"
      )) {
        if (!migrated.has(String(payment.id)) && !migrated.has(payment.publicId)) continue
        const request = vendorCase.byStoredId(payment)
        const response = await http.request({
          path: request.path,
          ...(request.query === undefined ? {} : { query: request.query })
        })
        if (response.status === 200 && response.text.replaceAll(" ", "").includes(request.id))
          answered.push(request.path)
        else missing.push(`${request.path}: ${response.status} ${response.text.slice(0, 200)}`)
      }
      expect(missing).toEqual([])
      expect(answered.length).toBeGreaterThan(0)
      if (vendorCase.vendor === "logisense") {
        // A client writes a migrated gateway payment back as it read it: `isManual: false` stands (the
        // gateway did not come over, the payment's LogiSense record keeps what LogiSense showed).
        const gateway = truth.payments.find(
          (payment) => payment.state === "posted" && payment.gatewayId !== null && migrated.has(String(payment.id))
        )
        if (gateway === undefined) throw new Error("no migrated gateway payment")
        const path = `api/v6/Payment/${gateway.id}`
        const instance = () =>
          http
            .request({ path })
            .then((response) => (JSON.parse(response.text) as { instance: Record<string, unknown> }).instance)
        expect((await instance()).isManual).toBe(false)
        const put = await http.request({
          method: "PUT",
          path,
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ detail: "written back", isManual: false })
        })
        expect(put.status).toBe(200)
        expect(await instance()).toMatchObject({ detail: "written back", isManual: false })
        // A reversal row names its payment as A's does (`reversePaymentName`): B numbers the migrated payments
        // itself (LogiSense shows posted payments only, so B's numbers are not A's); the migration kept A's name.
        const reversalRows = async (client: typeof http) => {
          const response = await client.request({
            path: "api/v6/Payment/Paged/Detail",
            headers: { pagination: JSON.stringify({ pageNumber: 1, pageSize: 10_000 }) }
          })
          expect(response.status).toBe(200)
          return (
            JSON.parse(response.text) as { pagedResults: { items: Array<Record<string, unknown>> } }
          ).pagedResults.items
            .filter((row) => row.reversePaymentId !== null)
            .map((row) => `${row.reversePaymentId} ${row.reversePaymentName} ${row.amount}`)
            .sort()
        }
        const inA = await reversalRows(fastHttp("logisense", at("logisense"), vendorCase.credentials()))
        expect(inA.length).toBeGreaterThan(0)
        expect(await reversalRows(http)).toEqual(inA)
      }
      if (vendorCase.vendor === "billing-platform-uk") {
        // `idAfter` takes a migrated payment's vendor id too: the rows after it in the one row sequence (16.3).
        const idsOf = async (idAfter: string) => {
          const response = await http.request({ path: "payments/", query: { idAfter } })
          expect(response.status).toBe(200)
          return (JSON.parse(response.text) as Array<{ readonly id: string }>).map((row) => row.id)
        }
        const rows = await idsOf("0")
        const pivot = rows.slice(Math.floor(rows.length / 2)).find((id) => /^\d+$/u.test(id) && migrated.has(id))
        if (pivot === undefined) throw new Error("no migrated payment row in the second half of the list")
        expect(await idsOf(pivot)).toEqual(rows.slice(rows.indexOf(pivot) + 1))
      }
      if (vendorCase.vendor === "crm-com") {
        // A payment's `reference_number` a client stored: shown as A showed it, and it finds the payment (16.2).
        const referenced = truth.payments.filter((payment) => migrated.has(payment.publicId)).slice(0, 5)
        expect(referenced.length).toBeGreaterThan(0)
        for (const payment of referenced) {
          const response = await http.request({
            path: "payments/show",
            query: { payment_identifier: `reference_number=${payment.referenceNumber}` }
          })
          expect(response.status, response.text.slice(0, 200)).toBe(200)
          expect(JSON.parse(response.text).data).toMatchObject({
            id: payment.publicId,
            reference_number: payment.referenceNumber
          })
        }
        // An accounts receivable and the invoices it pays keep their CRM.COM ids too (16.2): named by its
        // CRM.COM id, the account answers with that id, and its invoices show A's ids.
        const customer = truth.customers.find((candidate) =>
          truth.payments.some((payment) => payment.customerId === candidate.id)
        )
        if (customer === undefined) throw new Error("no customer with payments")
        const response = await http.request({
          path: "payments/list",
          query: { accounts_receivable_identifier: `id=${customer.publicId}` }
        })
        expect(response.status).toBe(200)
        const rows = (
          JSON.parse(response.text) as {
            data: Array<{ accounts_receivable: { id: string }; invoices_to_pay_set: Array<{ id: string }> }>
          }
        ).data
        expect(rows.length).toBeGreaterThan(0)
        expect(new Set(rows.map((row) => row.accounts_receivable.id))).toEqual(new Set([customer.publicId]))
        const sourceDocuments = new Set(truth.documents.map((document) => document.publicId))
        const shownDocuments = rows.flatMap((row) => row.invoices_to_pay_set.map((document) => document.id))
        expect(shownDocuments.filter((id) => !sourceDocuments.has(id))).toEqual([])
      }
    } finally {
      await target.stop()
    }
  }, 300_000)

  /** The ledger file again (the server above holds it; reads only). */
  const reopen = async () => {
    ledger = await openLedger(`sqlite:${join(dir, `${vendorCase.vendor}.sqlite`)}`)
    return ledger
  }
})

describe("pnpm migrate --balances (the CLI)", () => {
  const cli = fileURLToPath(new URL("../src/cli/migrate.cli.ts", import.meta.url))
  const migrate = (...args: Array<string>) =>
    new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        [
          cli,
          "--",
          "--from",
          "silver",
          "--source-url",
          server.dialectUrl("silver"),
          "--api-key",
          server.apiKey,
          ...args
        ],
        { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, INIT_CWD: dir } }
      )
      let output = ""
      child.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString()
      })
      child.stderr.on("data", (chunk: Buffer) => {
        output += chunk.toString()
      })
      child.once("exit", (code) => resolve({ code, output }))
    })

  test("books the file's balances (logging the step), refuses an unknown customer by its line (a dry run already), and a dry run says what it would book", async () => {
    await writeFile(join(dir, "cli-balances.csv"), balancesCsvOf("silver", truth.customers))
    await writeFile(join(dir, "cli-unknown.csv"), `customer,currency,balance\n999999,EUR,1.00\n`)
    const database = ["--database-url", `sqlite:${join(dir, "cli.sqlite")}`, "--report", join(dir, "cli-report")]

    const dry = await migrate("--dry-run", "--checkpoint", join(dir, "cli-dry.json"), "--balances", "cli-balances.csv")
    expect(dry.code, dry.output).toBe(0)
    expect(dry.output).toContain(
      `balances step (cli-balances.csv): ${truth.customers.length} customer(s) listed, would bring forward ${truth.customers.length} new or changed balance(s)`
    )

    // A dry run finds the unknown customer before anything is booked, with the same message.
    const dryUnknown = await migrate(
      "--dry-run",
      "--checkpoint",
      join(dir, "cli-dry-unknown.json"),
      "--balances",
      "cli-unknown.csv"
    )
    expect(dryUnknown.code, dryUnknown.output).toBe(2)
    expect(dryUnknown.output).toContain("line 2: customer: 999999 is not a customer read from Silver (Presslabs)")

    const unknown = await migrate(...database, "--balances", "cli-unknown.csv")
    expect(unknown.code, unknown.output).toBe(2)
    expect(unknown.output).toContain("line 2: customer: 999999 is not a customer read from Silver (Presslabs)")

    const booked = await migrate(...database, "--balances", "cli-balances.csv")
    expect(booked.code, booked.output).toBe(0)
    expect(booked.output).toContain(`brings forward ${truth.customers.length} new or changed balance(s)`)
    expect(booked.output).toMatch(/Reconciliation: everything matches, \d+ balance\(s\) of the balances file included/u)
    const markdown = await readFile(`${join(dir, "cli-report")}.md`, "utf8")
    expect(markdown).toContain("Balance")
  }, 300_000)
})
