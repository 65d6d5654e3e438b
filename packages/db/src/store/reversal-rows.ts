/**
 * The `reversals` part of the `LedgerStore` on MikroORM: insert, ids drawn ahead and rows inserted
 * under them (a bulk unit's, `drawn-ids.ts`), the replace, and the lists by payment and by several
 * payments (by id ascending).
 */
import type { LedgerStoreShape, Reversal, ReversalId } from "@paybridge/core"
import { ReversalEntity, type ReversalRow } from "../entities/reversal.entity.ts"
import { reversalFromRow, reversalToRow } from "../mappers/reversal.mapper.ts"
import { drawIdsOf, insertAllWithIds, releaseIdsOf } from "./drawn-ids.ts"
import type { OrmSession } from "./orm-session.ts"

export const makeReversalRows = (session: OrmSession): LedgerStoreShape["reversals"] => {
  const { findAll, insert, replace } = session
  return {
    insert: (row) => insert("reversals.insert", ReversalEntity, row, reversalToRow),
    drawIds: drawIdsOf<ReversalId>(session, "reversals"),
    releaseIds: releaseIdsOf<ReversalId>(session, "reversals"),
    insertDrawn: insertAllWithIds<ReversalRow, Reversal>(
      session,
      "reversals.insertDrawn",
      ReversalEntity,
      reversalToRow
    ),
    update: (row) => replace("reversals.update", ReversalEntity, row, reversalToRow),
    listByPayment: (paymentId) => findAll("reversals.listByPayment", ReversalEntity, { paymentId }, reversalFromRow),
    listByPayments: (paymentIds) =>
      findAll("reversals.listByPayments", ReversalEntity, { paymentId: { $in: [...paymentIds] } }, reversalFromRow)
  }
}
