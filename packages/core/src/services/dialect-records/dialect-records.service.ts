/**
 * The `DialectRecords` service: the vendor-only objects a dialect keeps beside the ledger
 * (mandates, units, provider details…), keyed by (dialect, kind, key). They pass through the same
 * authorisation, customer scope, transactions and idempotency as every other command, but never
 * move money; anything that does belongs in a ledger command. Each method's error union is what it
 * can really fail with. The implementation is `dialectRecordsLayer` (`dialect-records.layer.ts`).
 */
import { Context, type Effect } from "effect"
import type { AllClassified } from "../../auth/permissions.ts"
import type { NotFound, ValidationFailed } from "../../errors.ts"
import type { Page } from "../../model/common.ts"
import type { DialectRecord } from "../../model/records.ts"
import type { CommandContext } from "../command-context.ts"
import type * as C from "../ledger-commands.ts"
import type { CommandFailure, ReadFailure } from "../shared/ledger-command.ts"

type Method<A, E> = Effect.Effect<A, E, CommandContext>

export interface DialectRecordsShape {
  /** Creates or replaces (with `merge`: changes only the named fields of) the record under its key. */
  readonly saveDialectRecord: (input: C.SaveDialectRecordInput) => Method<DialectRecord, CommandFailure | NotFound>
  /**
   * Inserts new records (an import's: no merge, no event) in one statement per 500, all of them or
   * none: `Conflict("duplicate")` when a key is taken, or a payment named is not its record's
   * customer's; `NotFound` when a customer named does not exist or is outside the principal's scope.
   */
  readonly insertDialectRecords: (input: C.InsertDialectRecordsInput) => Method<void, CommandFailure | NotFound>
  readonly getDialectRecord: (key: C.DialectRecordKey) => Method<DialectRecord, ReadFailure | NotFound>
  readonly listDialectRecords: (
    input: C.DialectRecordQueryInput
  ) => Method<Page<DialectRecord>, ReadFailure | ValidationFailed>
  readonly deleteDialectRecord: (key: C.DialectRecordKey) => Method<void, CommandFailure | NotFound>
}

// Every method needs an access level in auth/permissions.ts.
true satisfies AllClassified<DialectRecordsShape>

export class DialectRecords extends Context.Service<DialectRecords, DialectRecordsShape>()(
  "@paybridge/core/services/DialectRecords"
) {}
