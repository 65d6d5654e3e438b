/**
 * Concurrency scenarios of the real Ledger service on a real database, shared by the PostgreSQL and
 * the SQLite suites. Each scenario arranges data through the Ledger as a finance user (an API key),
 * fires many commands at once through several API processes (`ledger-processes.ts`), then reads the
 * result back from the database and checks what a finance user would check: counts, sums, the
 * customer's balance and its gap-free balance chain, allocated and outstanding amounts.
 */
import {
  Authenticator,
  type BalanceEntry,
  Balances,
  CommandContext,
  type CommandContextShape,
  type Customer,
  type CustomerId,
  type Document,
  Documents,
  type LedgerError,
  type LedgerServices,
  Parties,
  type Payment,
  Payments,
  type Principal
} from "@paybridge/core"
import { Effect } from "effect"
import { expect, it } from "vitest"
import { Database } from "../../src/index.ts"
import {
  type CommandOutcome,
  detailOf,
  type LedgerCommand,
  type Participant,
  type ProcessRuntime,
  runConcurrently
} from "./ledger-processes.ts"

export interface ConcurrencyHarness {
  /** The API process used to arrange data and read results back. */
  readonly main: () => ProcessRuntime
  /** The API processes the concurrent commands are dealt to. */
  readonly participants: () => ReadonlyArray<Participant>
}

let counter = 0
const unique = (prefix: string): string => {
  counter += 1
  return `${prefix}-${Date.now().toString(36)}-${counter}`
}

/** Minor units of EUR as the major-unit text a command carries (`1234n` → `"12.34"`). */
const major = (minor: bigint): string => `${minor / 100n}.${(minor % 100n).toString().padStart(2, "0")}`

const sum = (values: ReadonlyArray<bigint>): bigint => values.reduce((total, value) => total + value, 0n)

const failures = (outcomes: ReadonlyArray<CommandOutcome>) =>
  outcomes.flatMap((outcome) => (outcome._tag === "Failure" ? [outcome.error] : []))

const successes = (outcomes: ReadonlyArray<CommandOutcome>) =>
  outcomes.flatMap((outcome, index) => (outcome._tag === "Success" ? [{ index, detail: detailOf(outcome) }] : []))

/** A number column from a raw query (PostgreSQL returns counts and sums as text). */
const big = (value: unknown): bigint => (value === null || value === undefined ? 0n : BigInt(String(value)))

export const describeLedgerConcurrency = (harness: ConcurrencyHarness): void => {
  const run = <A, E>(effect: Effect.Effect<A, E, LedgerServices | Authenticator | Database>) =>
    harness.main().runPromise(effect)

  let requests = 0
  const contextOf = (principal: Principal, idempotencyKey: string | null = null): CommandContextShape => {
    requests += 1
    return { principal, origin: "trpc", requestId: `req-${requests}`, idempotencyKey }
  }

  /** Runs a Ledger call as `principal` in the main process. */
  const asUser = <A>(principal: Principal, call: Effect.Effect<A, LedgerError, LedgerServices | CommandContext>) =>
    run(call.pipe(Effect.provideService(CommandContext, contextOf(principal))))

  /** A finance user with an API key, authenticated as an API process would, and a fresh EUR customer. */
  const arrange = async (): Promise<{ principal: Principal; customer: Customer }> => {
    const principal = await run(
      Effect.gen(function* () {
        const authenticator = yield* Authenticator
        const user = yield* authenticator.createUser({
          email: `${unique("finance")}@paybridge.example`,
          name: "Finance Clerk",
          role: "finance"
        })
        const issued = yield* authenticator.issueApiKey({ userId: user.id, label: "concurrency test" })
        return yield* authenticator.authenticateApiKey(issued.apiKey)
      })
    )
    const customer = await asUser(
      principal,
      Parties.use((parties) => parties.createCustomer({ name: "Northwind Traders", currency: "EUR" }))
    )
    return { principal, customer }
  }

  const sql = (query: string, parameters: ReadonlyArray<unknown> = []) =>
    run(
      Effect.flatMap(Database, (database) =>
        Effect.promise(
          () =>
            database.orm.em.fork().execute(query, [...parameters]) as Promise<ReadonlyArray<Record<string, unknown>>>
        )
      )
    )

  const balanceChain = (principal: Principal, customerId: CustomerId) =>
    asUser(
      principal,
      Balances.use((balances) =>
        Effect.gen(function* () {
          const entries: Array<BalanceEntry> = []
          let cursor: string | null = null
          do {
            const page: { items: ReadonlyArray<BalanceEntry>; nextCursor: string | null } =
              yield* balances.listBalanceEntries(customerId, { cursor, limit: 17 })
            entries.push(...page.items)
            cursor = page.nextCursor
          } while (cursor !== null)
          return entries
        })
      )
    )

  const paymentsOf = (principal: Principal, customerId: CustomerId) =>
    asUser(
      principal,
      Payments.use((paymentsService) =>
        Effect.gen(function* () {
          const payments: Array<Payment> = []
          let cursor: string | null = null
          do {
            const page: { items: ReadonlyArray<Payment>; nextCursor: string | null } =
              yield* paymentsService.listPayments({
                customerId,
                cursor,
                limit: 13
              })
            payments.push(...page.items)
            cursor = page.nextCursor
          } while (cursor !== null)
          return payments
        })
      )
    )

  /** The chain is gap-free from 1 and every `balanceAfter` is the previous one plus its delta. */
  const expectConsistentChain = (chain: ReadonlyArray<BalanceEntry>, customer: Customer) => {
    expect(chain.map((entry) => entry.sequence)).toEqual(chain.map((_, index) => index + 1))
    let running = 0n
    for (const entry of chain) {
      expect(entry.balanceAfter).toBe(running + entry.delta)
      running = entry.balanceAfter
    }
    expect(customer.balance).toBe(running)
  }

  const issueInvoice = (principal: Principal, customerId: CustomerId, total: bigint) =>
    asUser(
      principal,
      Documents.use((documents) => documents.issueDocument({ kind: "invoice", customerId, total: major(total) }))
    )

  const postPayment = (principal: Principal, customerId: CustomerId, amount: bigint) =>
    asUser(
      principal,
      Payments.use((payments) => payments.createPayment({ customerId, amount: major(amount) }))
    ).then((detail) => detail.payment)

  it("books 50 concurrent payments of one customer: 50 payments, balance chain 1..50, final balance = their sum", async () => {
    const { principal, customer } = await arrange()
    const amounts = Array.from({ length: 50 }, (_, i) => 1_000n + BigInt(i) * 137n)
    const commands = amounts.map(
      (amount, i): LedgerCommand => ({
        operation: "createPayment",
        context: contextOf(principal),
        input: {
          customerId: customer.id,
          amount: major(amount),
          paymentDate: `2026-0${1 + (i % 9)}-${String(1 + (i % 28)).padStart(2, "0")}`,
          reference: `bank line ${i + 1}`
        }
      })
    )
    const outcomes = await runConcurrently(harness.participants(), commands)
    expect(failures(outcomes)).toEqual([])

    // What the database holds now.
    const [totals] = await sql("select count(*) as n, sum(amount) as total from payments where customer_id = ?", [
      customer.id
    ])
    expect(big(totals?.n)).toBe(50n)
    expect(big(totals?.total)).toBe(sum(amounts))
    const [sequences] = await sql(
      "select count(*) as n, count(distinct sequence) as distinct_n, min(sequence) as low, max(sequence) as high from balance_entries where customer_id = ?",
      [customer.id]
    )
    expect([sequences?.n, sequences?.distinct_n, sequences?.low, sequences?.high].map(big)).toEqual([50n, 50n, 1n, 50n])

    const chain = await balanceChain(principal, customer.id)
    const after = await asUser(
      principal,
      Parties.use((parties) => parties.getCustomer(customer.id))
    )
    expectConsistentChain(chain, after)
    expect(after.balance).toBe(sum(amounts))
    expect(chain.every((entry) => entry.kind === "payment-posted")).toBe(true)

    const payments = await paymentsOf(principal, customer.id)
    expect(payments).toHaveLength(50)
    expect(payments.every((payment) => payment.state === "posted")).toBe(true)
    expect(new Set(payments.map((payment) => payment.number)).size).toBe(50)
    expect(sum(payments.map((payment) => payment.amount))).toBe(sum(amounts))
    const entryOf = new Map(chain.map((entry) => [entry.paymentId, entry]))
    for (const payment of payments) {
      // Each payment's balance after posting is the chain entry that booked it.
      expect(entryOf.get(payment.id)?.delta).toBe(payment.amount)
      expect(payment.balanceAfterPosting).toBe(entryOf.get(payment.id)?.balanceAfter)
    }
    const [events] = await sql(
      "select count(*) as n from ledger_events where customer_id = ? and type = 'payment.posted'",
      [customer.id]
    )
    expect(big(events?.n)).toBe(50n)
  })

  it("runs 20 concurrent retries of one idempotency key once: one payment, 20 identical results", async () => {
    const { principal, customer } = await arrange()
    const key = unique("retry")
    const input = { customerId: customer.id, amount: "250.00", paymentDate: "2026-03-14", reference: "INV-42" }
    const outcomes = await runConcurrently(
      harness.participants(),
      Array.from(
        { length: 20 },
        (): LedgerCommand => ({ operation: "createPayment", context: contextOf(principal, key), input })
      )
    )
    expect(failures(outcomes)).toEqual([])
    const results = successes(outcomes).map(({ detail }) => detail.payment)
    const first = results[0]
    expect(results).toHaveLength(20)
    for (const result of results) expect(result).toEqual(first)

    const [totals] = await sql("select count(*) as n, sum(amount) as total from payments where customer_id = ?", [
      customer.id
    ])
    expect([big(totals?.n), big(totals?.total)]).toEqual([1n, 25_000n])
    const payments = await paymentsOf(principal, customer.id)
    expect(payments.map((payment) => [payment.id, payment.publicId])).toEqual([[first?.id, first?.publicId]])
    const chain = await balanceChain(principal, customer.id)
    expect(chain.map((entry) => [entry.sequence, entry.delta])).toEqual([[1, 25_000n]])
    expect(
      (
        await asUser(
          principal,
          Parties.use((parties) => parties.getCustomer(customer.id))
        )
      ).balance
    ).toBe(25_000n)
  })

  it("lets one request win a key raced with a different amount; every other-amount retry is a Conflict", async () => {
    const { principal, customer } = await arrange()
    const key = unique("raced")
    const amounts = ["25.00", "26.00"]
    const commands = Array.from(
      { length: 20 },
      (_, i): LedgerCommand => ({
        operation: "createPayment",
        context: contextOf(principal, key),
        input: { customerId: customer.id, amount: amounts[i % 2] ?? "25.00", paymentDate: "2026-03-14" }
      })
    )
    const outcomes = await runConcurrently(harness.participants(), commands)
    const amountOf = (index: number) => amounts[index % 2]
    const won = successes(outcomes)
    const winner = won[0]
    if (winner === undefined) throw new Error("no request won the key")
    // Every request with the winner's amount replays the winner; every request with the other amount is refused.
    expect(won.map(({ index }) => amountOf(index))).toEqual(Array.from({ length: 10 }, () => amountOf(winner.index)))
    for (const { detail } of won) expect(detail.payment).toEqual(winner.detail.payment)
    for (const [index, outcome] of outcomes.entries()) {
      if (outcome._tag === "Success") continue
      expect(amountOf(index)).not.toBe(amountOf(winner.index))
      expect([outcome.error._tag, outcome.error.reason]).toEqual(["Conflict", "idempotency-key-reused"])
    }
    const [totals] = await sql("select count(*) as n, sum(amount) as total from payments where customer_id = ?", [
      customer.id
    ])
    expect([big(totals?.n), big(totals?.total)]).toEqual([1n, winner.detail.payment.amount])
    expect(
      (
        await asUser(
          principal,
          Parties.use((parties) => parties.getCustomer(customer.id))
        )
      ).balance
    ).toBe(winner.detail.payment.amount)
  })

  it("never over-allocates an invoice: 10 payments racing to allocate 30.00 each to a 100.00 invoice, 3 win", async () => {
    const { principal, customer } = await arrange()
    const invoice = await issueInvoice(principal, customer.id, 10_000n)
    const payments: Array<Payment> = []
    for (let i = 0; i < 10; i++) payments.push(await postPayment(principal, customer.id, 3_000n))
    const outcomes = await runConcurrently(
      harness.participants(),
      payments.map(
        (payment): LedgerCommand => ({
          operation: "allocatePayment",
          context: contextOf(principal),
          input: { paymentId: payment.id, allocations: [{ documentId: invoice.id, amount: "30.00" }] }
        })
      )
    )
    expect(successes(outcomes)).toHaveLength(3)
    expect(failures(outcomes).map((error) => [error._tag, error.reason])).toEqual(
      Array.from({ length: 7 }, () => ["Conflict", "over-allocation"])
    )

    const [allocated] = await sql("select count(*) as n, sum(amount) as total from allocations where document_id = ?", [
      invoice.id
    ])
    expect([big(allocated?.n), big(allocated?.total)]).toEqual([3n, 9_000n])
    const after = await asUser(
      principal,
      Documents.use((documents) => documents.getDocument(invoice.id))
    )
    expect([after.allocated, after.outstanding, after.state]).toEqual([9_000n, 1_000n, "issued"])
    const carrying = (await paymentsOf(principal, customer.id)).filter((payment) => payment.allocatedAmount > 0n)
    expect(carrying.map((payment) => payment.allocatedAmount)).toEqual([3_000n, 3_000n, 3_000n])
  })

  it("never over-allocates a payment: one 100.00 payment racing into 10 invoices at 30.00 each, 3 win", async () => {
    const { principal, customer } = await arrange()
    const payment = await postPayment(principal, customer.id, 10_000n)
    const invoices: Array<Document> = []
    for (let i = 0; i < 10; i++) invoices.push(await issueInvoice(principal, customer.id, 5_000n))
    const outcomes = await runConcurrently(
      harness.participants(),
      invoices.map(
        (invoice): LedgerCommand => ({
          operation: "allocatePayment",
          context: contextOf(principal),
          input: { paymentId: payment.id, allocations: [{ documentId: invoice.id, amount: "30.00" }] }
        })
      )
    )
    expect(successes(outcomes)).toHaveLength(3)
    expect(failures(outcomes).map((error) => [error._tag, error.reason])).toEqual(
      Array.from({ length: 7 }, () => ["Conflict", "over-allocation"])
    )
    const [allocated] = await sql("select count(*) as n, sum(amount) as total from allocations where payment_id = ?", [
      payment.id
    ])
    expect([big(allocated?.n), big(allocated?.total)]).toEqual([3n, 9_000n])
    const detail = await asUser(
      principal,
      Payments.use((payments) => payments.getPayment({ id: payment.id }))
    )
    expect(detail.payment.allocatedAmount).toBe(9_000n)
    const documents = await sql("select allocated, outstanding from documents where customer_id = ? order by id", [
      customer.id
    ])
    expect(documents.map((row) => big(row.allocated)).sort()).toEqual([
      ...Array.from({ length: 7 }, () => 0n),
      3_000n,
      3_000n,
      3_000n
    ])
  })

  it("keeps every invoice and payment within its amount when 24 multi-line allocations race across both", async () => {
    const { principal, customer } = await arrange()
    const payments: Array<Payment> = []
    const invoices: Array<Document> = []
    for (let i = 0; i < 4; i++) payments.push(await postPayment(principal, customer.id, 10_000n))
    for (let i = 0; i < 4; i++) invoices.push(await issueInvoice(principal, customer.id, 8_000n))
    const steps = [1_500n, 2_500n, 4_000n]
    const requests = Array.from({ length: 24 }, (_, i) => {
      const lines = [{ document: invoices[(i * 3) % 4] as Document, amount: steps[i % 3] as bigint }]
      // Every third command allocates to two invoices at once (all or nothing).
      if (i % 3 === 0)
        lines.push({ document: invoices[(i * 3 + 1) % 4] as Document, amount: steps[(i + 1) % 3] as bigint })
      return { payment: payments[(i * 5) % 4] as Payment, lines }
    })
    const outcomes = await runConcurrently(
      harness.participants(),
      requests.map(
        (request): LedgerCommand => ({
          operation: "allocatePayment",
          context: contextOf(principal),
          input: {
            paymentId: request.payment.id,
            allocations: request.lines.map((line) => ({ documentId: line.document.id, amount: major(line.amount) }))
          }
        })
      )
    )
    const won = successes(outcomes)
    expect(won.length).toBeGreaterThan(0)
    for (const error of failures(outcomes)) expect([error._tag, error.reason]).toEqual(["Conflict", "over-allocation"])

    const rows = await sql(
      "select a.payment_id, a.document_id, a.amount from allocations a join payments p on p.id = a.payment_id where p.customer_id = ?",
      [customer.id]
    )
    // All or nothing: what is stored is exactly the lines of the commands that succeeded.
    const wonLines = won.flatMap(({ index }) => requests[index]?.lines ?? [])
    expect(sum(rows.map((row) => big(row.amount)))).toBe(sum(wonLines.map((line) => line.amount)))
    expect(rows).toHaveLength(wonLines.length)
    for (const invoice of invoices) {
      const stored = sum(rows.filter((row) => Number(row.document_id) === invoice.id).map((row) => big(row.amount)))
      const after = await asUser(
        principal,
        Documents.use((documents) => documents.getDocument(invoice.id))
      )
      expect(after.allocated).toBe(stored)
      expect(after.allocated).toBeLessThanOrEqual(invoice.total)
      expect(after.outstanding).toBe(invoice.total - stored)
      expect(after.state).toBe(stored === invoice.total ? "paid" : "issued")
    }
    for (const payment of payments) {
      const stored = sum(rows.filter((row) => Number(row.payment_id) === payment.id).map((row) => big(row.amount)))
      const after = await asUser(
        principal,
        Payments.use((payments) => payments.getPayment({ id: payment.id }))
      )
      expect(after.payment.allocatedAmount).toBe(stored)
      expect(after.payment.allocatedAmount).toBeLessThanOrEqual(payment.amount)
    }
  })

  it("never reverses more than a payment's amount when partial and full reversals race", async () => {
    const { principal, customer } = await arrange()
    const invoice = await issueInvoice(principal, customer.id, 6_000n)
    const payment = await postPayment(principal, customer.id, 10_000n)
    await asUser(
      principal,
      Documents.use((documents) =>
        documents.allocatePayment({ paymentId: payment.id, allocations: [{ documentId: invoice.id, amount: "60.00" }] })
      )
    )
    const requested: ReadonlyArray<string | undefined> = [
      "30.00",
      "30.00",
      "30.00",
      "30.00",
      "25.00",
      "25.00",
      undefined,
      undefined,
      "10.00",
      "5.00"
    ]
    const outcomes = await runConcurrently(
      harness.participants(),
      requested.map(
        (amount): LedgerCommand => ({
          operation: "reversePayment",
          context: contextOf(principal),
          input: {
            paymentId: payment.id,
            ...(amount === undefined ? {} : { amount }),
            effectiveDate: "2026-04-30",
            reason: "bank recall"
          }
        })
      )
    )
    for (const error of failures(outcomes))
      expect([error._tag, error.reason]).toEqual(["Conflict", "insufficient-amount"])
    // Two "reverse everything left" requests are among them, so the payment ends fully reversed.
    const [reversed] = await sql("select count(*) as n, sum(amount) as total from reversals where payment_id = ?", [
      payment.id
    ])
    expect(big(reversed?.total)).toBe(10_000n)
    expect(big(reversed?.n)).toBe(BigInt(successes(outcomes).length))
    const detail = await asUser(
      principal,
      Payments.use((payments) => payments.getPayment({ id: payment.id }))
    )
    expect(detail.payment.reversedAmount).toBe(10_000n)
    expect(sum(detail.reversals.map((reversal) => reversal.amount))).toBe(10_000n)
    // Nothing is left to carry the allocation: it was released and the invoice is open again.
    expect(detail.payment.allocatedAmount).toBe(0n)
    const after = await asUser(
      principal,
      Documents.use((documents) => documents.getDocument(invoice.id))
    )
    expect([after.allocated, after.outstanding]).toEqual([0n, 6_000n])

    const chain = await balanceChain(principal, customer.id)
    const customerAfter = await asUser(
      principal,
      Parties.use((parties) => parties.getCustomer(customer.id))
    )
    expectConsistentChain(chain, customerAfter)
    // Invoice -60.00, payment +100.00, reversals -100.00 in total.
    expect(customerAfter.balance).toBe(-6_000n)
    expect(sum(chain.filter((entry) => entry.kind === "payment-reversed").map((entry) => entry.delta))).toBe(-10_000n)
  })

  it("keeps the reversed amount within the payment at every step when reversals and reinstatements race", async () => {
    const { principal, customer } = await arrange()
    const payment = await postPayment(principal, customer.id, 10_000n)
    const commands: Array<LedgerCommand> = []
    for (let i = 0; i < 12; i++) {
      commands.push(
        i % 3 === 2
          ? { operation: "reinstateReversal", context: contextOf(principal), input: { paymentId: payment.id } }
          : {
              operation: "reversePayment",
              context: contextOf(principal),
              input: { paymentId: payment.id, amount: i % 3 === 0 ? "40.00" : "35.00" }
            }
      )
    }
    const outcomes = await runConcurrently(harness.participants(), commands)
    for (const [index, outcome] of outcomes.entries()) {
      if (outcome._tag === "Success") continue
      const expected =
        commands[index]?.operation === "reversePayment"
          ? ["Conflict", "insufficient-amount"]
          : ["InvalidTransition", null]
      expect([outcome.error._tag, outcome.error._tag === "Conflict" ? outcome.error.reason : null]).toEqual(expected)
    }

    const chain = await balanceChain(principal, customer.id)
    const customerAfter = await asUser(
      principal,
      Parties.use((parties) => parties.getCustomer(customer.id))
    )
    expectConsistentChain(chain, customerAfter)
    // Walking the chain: what is reversed never goes below zero or above the payment's amount.
    let outstandingReversal = 0n
    for (const entry of chain) {
      if (entry.kind === "payment-reversed") outstandingReversal -= entry.delta
      if (entry.kind === "payment-reinstated") outstandingReversal -= entry.delta
      expect(outstandingReversal).toBeGreaterThanOrEqual(0n)
      expect(outstandingReversal).toBeLessThanOrEqual(10_000n)
    }
    const [active] = await sql(
      "select sum(amount) as total from reversals where payment_id = ? and reinstated_at is null",
      [payment.id]
    )
    const detail = await asUser(
      principal,
      Payments.use((payments) => payments.getPayment({ id: payment.id }))
    )
    expect(detail.payment.reversedAmount).toBe(big(active?.total))
    expect(detail.payment.reversedAmount).toBe(outstandingReversal)
    expect(customerAfter.balance).toBe(10_000n - outstandingReversal)
  })
}
