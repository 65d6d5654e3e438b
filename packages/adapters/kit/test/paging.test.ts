/**
 * Paging helpers over the ledger's keyset-paged lists: every page in order, a check that stops
 * the read after the page that crossed it, and an offset window that reads no further than needed.
 */
import type { Page } from "@paybridge/core"
import { Effect, Result } from "effect"
import { describe, expect, it } from "vitest"
import { allPages, collectPages, pageWindow } from "../src/paging.ts"

/** A ledger-like list of `1..total`, `size` per page, with its cursor as the next offset; counts reads. */
const numbers = (total: number, size: number) => {
  const reads: Array<string | null> = []
  const list = (cursor: string | null): Effect.Effect<Page<number>> =>
    Effect.sync(() => {
      reads.push(cursor)
      const start = cursor === null ? 0 : Number(cursor)
      const end = Math.min(total, start + size)
      const items = Array.from({ length: end - start }, (_, index) => start + index + 1)
      return { items, nextCursor: end < total ? String(end) : null }
    })
  return { list, reads }
}

describe("allPages", () => {
  it("reads every page in order, following the cursor until the last page", () => {
    const { list, reads } = numbers(7, 3)
    expect(Effect.runSync(allPages(list))).toEqual([1, 2, 3, 4, 5, 6, 7])
    expect(reads).toEqual([null, "3", "6"])
  })

  it("reads one empty page of an empty list", () => {
    const { list, reads } = numbers(0, 3)
    expect(Effect.runSync(allPages(list))).toEqual([])
    expect(reads).toEqual([null])
  })
})

describe("collectPages", () => {
  it("stops with the check's refusal after the page that crossed it, reading no further", () => {
    const { list, reads } = numbers(10, 3)
    const result = Effect.runSync(
      Effect.result(collectPages(list, (rows) => (rows.length > 4 ? Effect.fail(`read ${rows.length}`) : Effect.void)))
    )
    expect(Result.isFailure(result) && result.failure).toBe("read 6")
    expect(reads).toEqual([null, "3"])
  })

  it("returns every row when the check never refuses", () => {
    const { list } = numbers(5, 2)
    expect(Effect.runSync(collectPages(list, () => Effect.void))).toEqual([1, 2, 3, 4, 5])
  })
})

describe("pageWindow", () => {
  it("returns rows offset to offset + size and stops reading once the window is full", () => {
    const { list, reads } = numbers(100, 4)
    const window = Effect.runSync(pageWindow(list, 5, 3))
    expect(window.rows).toEqual([6, 7, 8])
    expect(window.passed).toBe(8)
    expect(reads).toEqual([null, "4"])
  })

  it("counts every row read when the list runs out before the window is full", () => {
    const { list } = numbers(7, 3)
    expect(Effect.runSync(pageWindow(list, 5, 10))).toEqual({ rows: [6, 7], passed: 7 })
    expect(Effect.runSync(pageWindow(list, 20, 10))).toEqual({ rows: [], passed: 7 })
  })
})
