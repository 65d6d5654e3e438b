/**
 * The `allocations` part of the `LedgerStore` on MikroORM: insert (one row, or a create's rows in
 * one multi-row insert whose ids come back in VALUES order), the guarded replace, delete, get, and
 * the lists by payment, by document and by several payments.
 */
import { type LedgerStoreShape, trustedId } from "@paybridge/core"
import { AllocationEntity } from "../entities/allocation.entity.ts"
import { allocationFromRow, allocationToRow } from "../mappers/allocation.mapper.ts"
import type { OrmSession } from "./orm-session.ts"

export const makeAllocationRows = (session: OrmSession): LedgerStoreShape["allocations"] => {
  const { findAll, findOne, insert, replace, use, write } = session
  return {
    insert: (row) => insert("allocations.insert", AllocationEntity, row, allocationToRow),
    insertAll: (rows) =>
      write("allocations.insertAll", async (em) => {
        if (rows.length === 0) return []
        const result = await em
          .createQueryBuilder(AllocationEntity)
          .insert(rows.map((row) => allocationToRow(row)))
          .returning(["id"])
          .execute("all")
        const ids = (result as unknown as ReadonlyArray<{ id: number | string }>).map((inserted) => Number(inserted.id))
        if (ids.length !== rows.length) throw new Error("allocations.insertAll: the database returned fewer rows")
        // Ids of one multi-row insert ascend in the order of its VALUES rows on both databases.
        ids.sort((a, b) => a - b)
        return rows.map((row, index) => ({ ...row, id: trustedId(ids[index] ?? 0) }))
      }),
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
