import { CommandContext, Ledger, ledgerLayer, PaymentGateways } from "@paybridge/core"
import { Effect, Layer, ManagedRuntime } from "effect"
import { Database, openDatabase } from "../src/index.ts"
import { createPostgresTestDatabase } from "../src/testing/index.ts"
const url = process.argv[2] === "pg" ? (await createPostgresTestDatabase()).url : "sqlite:/tmp/probe-" + Date.now() + ".db"
const rt = ManagedRuntime.make(ledgerLayer.pipe(Layer.provide(PaymentGateways.layerTest), Layer.provideMerge(openDatabase({ url }))))
await rt.runPromise(Effect.gen(function* () {
  const ledger = yield* Ledger
  const c = yield* ledger.createCustomer({ name: "A", currency: "EUR" })
  yield* ledger.createPayment({ customerId: c.id, amount: "12.34", paymentDate: "2024-03-05" })
  const db = yield* Database
  for (const t of ["customers", "payments", "balance_entries", "ledger_events", "sequences"]) {
    const rows = yield* Effect.promise(() => db.orm.em.fork().execute(`select * from ${t}`))
    console.log(t, JSON.stringify(rows, (_k, v) => typeof v === "bigint" ? `${v}n` : v))
  }
}).pipe(Effect.provide(CommandContext.system())))
await rt.dispose()
console.log(url)
