/**
 * Cursor paging for a list: `useCursorPages` keeps the stack of cursors walked so far (the last is
 * the page shown; a new filter starts again from the first), and `Pager` is the Previous / Page n /
 * Next bar under the table.
 */
import { useState } from "react"

export const useCursorPages = () => {
  const [cursors, setCursors] = useState<ReadonlyArray<string | null>>([null])
  return {
    cursors,
    cursor: cursors.at(-1) ?? null,
    restart: () => setCursors([null]),
    back: () => setCursors((stack) => stack.slice(0, -1)),
    forward: (next: string) => setCursors((stack) => [...stack, next])
  }
}

export type CursorPages = ReturnType<typeof useCursorPages>

export const Pager = ({ pages, nextCursor }: { pages: CursorPages; nextCursor: string | null }) => (
  <nav className="pager" aria-label="Pages">
    <button type="button" disabled={pages.cursors.length === 1} onClick={pages.back}>
      Previous page
    </button>
    <span>Page {pages.cursors.length}</span>
    <button
      type="button"
      disabled={nextCursor === null}
      onClick={() => {
        if (nextCursor !== null) pages.forward(nextCursor)
      }}
    >
      Next page
    </button>
  </nav>
)
