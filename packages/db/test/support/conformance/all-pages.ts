/** Store conformance helper: reads every page of a list, asserting each page respects the limit. */
import type { Page } from "@paybridge/core"
import { expect } from "vitest"

export const allPages = async <A>(
  fetch: (cursor: string | null) => Promise<Page<A>>,
  limit: number
): Promise<{ items: Array<A>; pages: number }> => {
  const items: Array<A> = []
  let cursor: string | null = null
  let pages = 0
  do {
    const page: Page<A> = await fetch(cursor)
    expect(page.items.length).toBeLessThanOrEqual(limit)
    items.push(...page.items)
    pages += 1
    cursor = page.nextCursor
    if (pages > 10_000) throw new Error("paging does not terminate")
  } while (cursor !== null)
  return { items, pages }
}
