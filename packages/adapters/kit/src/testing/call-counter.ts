/**
 * Counting what a dialect asks of the ledger: `countLedgerCalls(calls)` wraps every ledger service
 * (the real ones underneath, nothing faked) so each method call adds one to `calls` under the
 * method's name. Tests use it to prove a list reads in bounded work (e.g. `getPayment` only for
 * the rows that need it).
 */
import {
  Balances,
  Collections,
  DialectRecords,
  Documents,
  type LedgerServices,
  LedgerUnits,
  Parties,
  Payments,
  Refunds
} from "@paybridge/core"
import { Context, Effect, Layer } from "effect"

const ledgerServiceTags = [Parties, Documents, Payments, Collections, Refunds, Balances, DialectRecords, LedgerUnits]

const counting = (service: object, calls: Map<string, number>): object =>
  Object.fromEntries(
    Object.entries(service).map(([name, value]: [string, unknown]) => [
      name,
      typeof value === "function"
        ? (...args: ReadonlyArray<unknown>) => {
            calls.set(name, (calls.get(name) ?? 0) + 1)
            return value.apply(service, args)
          }
        : value
    ])
  )

/** The ledger services of the context below, each method call counted in `calls` by method name. */
export const countLedgerCalls = (calls: Map<string, number>): Layer.Layer<LedgerServices, never, LedgerServices> =>
  Layer.effectContext(
    Effect.map(Effect.context<LedgerServices>(), (context) =>
      ledgerServiceTags.reduce(
        (counted, tag) =>
          Context.add(counted, tag as never, counting(Context.get(context, tag as never) as object, calls) as never),
        context
      )
    )
  )
