/**
 * The `allocations` part of the `LedgerStore` on MikroORM: insert (one row, or a create's rows in
 * one multi-row insert whose ids come back in VALUES order, which also saves the documents' changes
 * through `document_change`, migration 20261208000000), ids drawn ahead and rows inserted under
 * them (a bulk unit's, `drawn-ids.ts`), the guarded replace, delete, get, and the lists by payment,
 * by document and by several payments.
 */
import { type Allocation, type AllocationId, type LedgerStoreShape, trustedId } from "@paybridge/core"
import { AllocationEntity, type AllocationRow, type DocumentChange } from "../entities/allocation.entity.ts"
import { allocationFromRow, allocationToRow } from "../mappers/allocation.mapper.ts"
import { drawIdsOf, insertAllWithIds, releaseIdsOf } from "./drawn-ids.ts"
import type { OrmSession } from "./orm-session.ts"

export const makeAllocationRows = (session: OrmSession): LedgerStoreShape["allocations"] => {
  const { findAll, findOne, insert, replace, use, write } = session
  return {
    insert: (row) => insert("allocations.insert", AllocationEntity, row, allocationToRow),
    insertAll: (rows, documents = []) =>
      write("allocations.insertAll", async (em) => {
        if (rows.length === 0) return []
        // Each document's change rides on the first row of that document (migration 20261208000000's trigger).
        const changes = new Map<number, DocumentChange>(
          documents.map(({ row, expectedVersion }) => [
            row.id,
            {
              version: expectedVersion,
              allocated: row.allocated.toString(),
              outstanding: row.outstanding.toString(),
              state: row.state
            }
          ])
        )
        const values = rows.map((row) => {
          const change = changes.get(row.documentId) ?? null
          changes.delete(row.documentId)
          return { ...allocationToRow(row), documentChange: change }
        })
        if (changes.size > 0) throw new Error("allocations.insertAll: a document changed is not one of the rows'")
        const result = await em.createQueryBuilder(AllocationEntity).insert(values).returning(["id"]).execute("all")
        const ids = (result as unknown as ReadonlyArray<{ id: number | string }>).map((inserted) => Number(inserted.id))
        if (ids.length !== rows.length) throw new Error("allocations.insertAll: the database returned fewer rows")
        // Ids of one multi-row insert ascend in the order of its VALUES rows on both databases.
        ids.sort((a, b) => a - b)
        return rows.map((row, index) => ({ ...row, id: trustedId(ids[index] ?? 0) }))
      }),
    drawIds: drawIdsOf<AllocationId>(session, "allocations"),
    releaseIds: releaseIdsOf<AllocationId>(session, "allocations"),
    insertDrawn: insertAllWithIds<AllocationRow, Allocation>(
      session,
      "allocations.insertDrawn",
      AllocationEntity,
      allocationToRow
    ),
    update: (row) => replace("allocations.update", AllocationEntity, row, allocationToRow),
    delete: (id) =>
      use("allocations.delete", async (em) => {
        await em.nativeDelete(AllocationEntity, { id })
      }),
    get: (id) => findOne("allocations.get", AllocationEntity, { id }, allocationFromRow),
    listByPayment: (paymentId) =>
      findAll("allocations.listByPayment", AllocationEntity, { paymentId }, allocationFromRow),
    listByDocument: (documentId) =>
      findAll("allocations.listByDocument", AllocationEntity, { documentId }, allocationFromRow),
    listByPayments: (paymentIds) =>
      findAll(
        "allocations.listByPayments",
        AllocationEntity,
        { paymentId: { $in: [...paymentIds] } },
        allocationFromRow
      )
  }
}
