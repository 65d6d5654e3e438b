/**
 * Opaque keyset cursors: base64url of the sort key of the last row of a page, tagged with the
 * ordering it belongs to. A list resumes strictly after that key, so pages never overlap or skip
 * rows, however many rows are inserted meanwhile. A cursor that does not decode, or that belongs to
 * another ordering, is a defect of the caller (cursors are only ever produced by this store).
 */
export type SortValue = string | number

export const encodeCursor = (ordering: string, key: ReadonlyArray<SortValue>): string =>
  Buffer.from(JSON.stringify({ o: ordering, k: key }), "utf8").toString("base64url")

export class InvalidCursor extends Error {
  constructor(cursor: string, reason: string) {
    super(`invalid page cursor ${JSON.stringify(cursor.slice(0, 200))}: ${reason}`)
    this.name = "InvalidCursor"
  }
}

/** Decodes a cursor of `ordering` whose key has the given value types; throws `InvalidCursor` otherwise. */
export const decodeCursor = (
  cursor: string,
  ordering: string,
  types: ReadonlyArray<"string" | "number">
): ReadonlyArray<SortValue> => {
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"))
  } catch {
    throw new InvalidCursor(cursor, "not a cursor of this store")
  }
  if (typeof parsed !== "object" || parsed === null) throw new InvalidCursor(cursor, "not a cursor of this store")
  const { o, k } = parsed as { o?: unknown; k?: unknown }
  if (o !== ordering) throw new InvalidCursor(cursor, `belongs to ordering ${String(o)}, not ${ordering}`)
  if (!Array.isArray(k) || k.length !== types.length) throw new InvalidCursor(cursor, "malformed key")
  k.forEach((value, index) => {
    const expected = types[index]
    if (typeof value !== expected || (expected === "number" && !Number.isSafeInteger(value))) {
      throw new InvalidCursor(cursor, "malformed key")
    }
  })
  return k as ReadonlyArray<SortValue>
}
