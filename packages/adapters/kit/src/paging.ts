/**
 * Reading the ledger's keyset-paged lists (`Page<A>`: items plus an opaque `nextCursor`) from a
 * dialect: every page (`allPages`), every page with a check after each one that may refuse to
 * read on (`collectPages`, e.g. a dialect's scan limit), or one offset window of the list in its
 * own order, read no further than the window needs (`pageWindow`, for vendors that page by
 * page number over a list the ledger pages by cursor). `list` gets the cursor (`null` first) and
 * reads one ledger page; the vendor's own envelopes and limits stay in the dialect.
 */
import type { Page } from "@paybridge/core"
import { Effect } from "effect"

/** Reads one page of a ledger list from a cursor (`null`: the first page). */
export type PageReader<A, E, R> = (cursor: string | null) => Effect.Effect<Page<A>, E, R>

/** Every page of a ledger list; after each page `check` sees the rows read so far and may refuse to read on. */
export const collectPages = <A, E, R, Refused>(
  list: PageReader<A, E, R>,
  check: (rows: ReadonlyArray<A>) => Effect.Effect<void, Refused>
): Effect.Effect<Array<A>, E | Refused, R> =>
  Effect.gen(function* () {
    const rows: Array<A> = []
    let cursor: string | null = null
    do {
      const page: Page<A> = yield* list(cursor)
      rows.push(...page.items)
      yield* check(rows)
      cursor = page.nextCursor
    } while (cursor !== null)
    return rows
  })

/** Every page of a ledger list. */
export const allPages = <A, E, R>(list: PageReader<A, E, R>): Effect.Effect<Array<A>, E, R> =>
  collectPages(list, () => Effect.void)

/**
 * Rows `offset` to `offset + size` of a ledger list in its own order, read page by page and no
 * further than needed; `passed` counts every row read (all of them when the list ran out first).
 */
export const pageWindow = <A, E, R>(
  list: PageReader<A, E, R>,
  offset: number,
  size: number
): Effect.Effect<{ readonly rows: Array<A>; readonly passed: number }, E, R> =>
  Effect.gen(function* () {
    const rows: Array<A> = []
    let passed = 0
    let cursor: string | null = null
    do {
      const page: Page<A> = yield* list(cursor)
      for (const item of page.items) {
        if (passed >= offset && rows.length < size) rows.push(item)
        passed += 1
      }
      cursor = rows.length < size ? page.nextCursor : null
    } while (cursor !== null)
    return { rows, passed }
  })
