/**
 * The implementation of `Balances` on the `LedgerStore` and `IdempotencyStore` ports. Every method
 * is an `Effect.fn("Balances.<method>")`; an adjustment moves the balance through
 * `../shared/balance-movements.ts` under the customer's lock, like every other money movement.
 */
import { Effect, Layer } from "effect"
import { scopedCustomerIds } from "../../auth/permissions.ts"
import { validationFailed } from "../../errors.ts"
import type { CustomerId } from "../../model/ids.ts"
import { BalanceEntry } from "../../model/records.ts"
import type { IdempotencyStore } from "../../ports/idempotency-store.ts"
import { LedgerStore } from "../../ports/ledger-store.ts"
import type * as C from "../ledger-commands.ts"
import { moveBalance } from "../shared/balance-movements.ts"
import { parseAmount } from "../shared/exact-amounts.ts"
import { mutation, paging, query } from "../shared/ledger-command.ts"
import { minor, recordEvent } from "../shared/ledger-events.ts"
import { capturePorts } from "../shared/ledger-ports.ts"
import { currentPrincipal, inScope, lockCustomer, visibleCustomer, visiblePayment } from "../shared/record-access.ts"
import { Balances } from "./balances.service.ts"

export const balancesLayer: Layer.Layer<Balances, never, LedgerStore | IdempotencyStore> = Layer.effect(
  Balances,
  Effect.gen(function* () {
    const store = yield* LedgerStore
    const ports = yield* capturePorts<LedgerStore | IdempotencyStore>()
    return Balances.of({
      adjustBalance: Effect.fn("Balances.adjustBalance")(function* (input: C.AdjustBalanceInput) {
        return yield* mutation(
          "adjustBalance",
          input,
          BalanceEntry,
          Effect.gen(function* () {
            const customer = yield* lockCustomer(input.customerId)
            const amount = yield* parseAmount(input.amount, customer.currency, ["amount"])
            if (amount === 0n) return yield* validationFailed(["amount"], "an adjustment must not be zero")
            const entry = yield* moveBalance(customer.id, {
              delta: amount,
              kind: "adjustment",
              description: input.description
            })
            yield* recordEvent({
              type: "balance.adjusted",
              entity: "balance",
              entityId: entry.id,
              customerId: customer.id,
              data: {
                amount: minor(amount),
                currency: customer.currency,
                description: input.description,
                balanceAfter: minor(entry.balanceAfter)
              }
            })
            return entry
          })
        )
      }, ports),

      listBalanceEntries: Effect.fn("Balances.listBalanceEntries")(function* (
        customerId: CustomerId,
        input: C.PageInput
      ) {
        return yield* query(
          "listBalanceEntries",
          Effect.andThen(visibleCustomer(customerId), store.balance.list(customerId, paging(input)))
        )
      }, ports),

      listEvents: Effect.fn("Balances.listEvents")(function* (input: C.EventQueryInput) {
        return yield* query(
          "listEvents",
          Effect.gen(function* () {
            if (input.customerId !== undefined) yield* inScope(input.customerId)
            if (input.paymentId !== undefined) yield* visiblePayment(input.paymentId)
            return yield* store.events.list({
              ...paging(input),
              types: input.types,
              since: input.since,
              customerId: input.customerId,
              customerIds: scopedCustomerIds(yield* currentPrincipal),
              paymentId: input.paymentId,
              paymentIds: input.paymentIds,
              firstAndLastPerPayment: input.firstAndLastPerPayment
            })
          })
        )
      }, ports)
    })
  })
)
