/**
 * The `Balances` service: each customer's running balance and the ledger's event log. Manual
 * adjustments (signed, never zero) book an entry of the balance chain like every other money
 * movement; the chain and the event log are only ever appended to. Each method's error union is
 * what it can really fail with. The implementation is `balancesLayer` (`balances.layer.ts`).
 */
import { Context, type Effect } from "effect"
import type { AllClassified } from "../../auth/permissions.ts"
import type { NotFound, ValidationFailed } from "../../errors.ts"
import type { Page } from "../../model/common.ts"
import type { CustomerId } from "../../model/ids.ts"
import type { BalanceEntry, LedgerEvent } from "../../model/records.ts"
import type { CommandContext } from "../command-context.ts"
import type * as C from "../ledger-commands.ts"
import type { CommandFailure, ReadFailure } from "../shared/ledger-command.ts"

type Method<A, E> = Effect.Effect<A, E, CommandContext>

export interface BalancesShape {
  readonly adjustBalance: (
    input: C.AdjustBalanceInput
  ) => Method<BalanceEntry, CommandFailure | ValidationFailed | NotFound>
  readonly listBalanceEntries: (
    customerId: CustomerId,
    input: C.PageInput
  ) => Method<Page<BalanceEntry>, ReadFailure | ValidationFailed | NotFound>
  readonly listEvents: (
    input: C.EventQueryInput
  ) => Method<Page<LedgerEvent>, ReadFailure | ValidationFailed | NotFound>
}

// Every method needs an access level in auth/permissions.ts.
true satisfies AllClassified<BalancesShape>

export class Balances extends Context.Service<Balances, BalancesShape>()("@paybridge/core/services/Balances") {}
