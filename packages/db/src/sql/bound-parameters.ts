/**
 * Turning MikroORM's statements into statements with bound parameters. MikroORM 7 builds every
 * statement as SQL with `?` placeholders plus a parameter list, and then (in
 * `AbstractSqlConnection.execute`) formats the values into the SQL text and sends that text
 * without parameters (mikro-orm/mikro-orm#8001). `bindParameters` does the other thing with the
 * same input: it keeps the values out of the text and returns the driver's placeholders (`?` for
 * better-sqlite3, `$1…$n` for `pg`) with the values converted the way the platform would have
 * written them (dates, booleans, bigints, JSON). Only what MikroORM itself inlines stays in the
 * text: identifiers (`??`) and the SQL of nested raw fragments, whose own values are bound too;
 * arrays expand to one placeholder per element, as the formatter expands them to a list. When
 * nothing in the text changes (better-sqlite3's `?` for scalar and JSON values) the statement keeps
 * the very string it was given: the SQLite driver finds its prepared statement by text, and a string
 * it has seen before has its hash already, where a rebuilt copy of a long statement is hashed and
 * compared character by character on every call (issue 14).
 */
import { isRaw, JsonProperty, type RawQueryFragment, Utils } from "@mikro-orm/core"

/** How the driver spells a placeholder: better-sqlite3 `?`, pg `$n`. */
export type PlaceholderStyle = "question" | "dollar"

export interface BindingRules {
  readonly style: PlaceholderStyle
  /** Quotes an identifier given for a `??` placeholder (the platform's `quoteIdentifier`). */
  readonly quoteIdentifier: (id: string) => string
  /** Converts one scalar value to what the driver binds (after JSON and arrays are handled). */
  readonly toDriverValue: (value: unknown) => unknown
}

export interface BoundStatement {
  readonly sql: string
  readonly parameters: ReadonlyArray<unknown>
}

const isJsonValue = (value: unknown): boolean =>
  Utils.isPlainObject(value) ||
  (value !== null && typeof value === "object" && (value as Record<symbol, unknown>)[JsonProperty] === true)

/** The SQL of `sql` with its `?` values bound as parameters (see the module comment). */
export const bindParameters = (sql: string, params: ReadonlyArray<unknown>, rules: BindingRules): BoundStatement => {
  const parameters: Array<unknown> = []
  /** Whether the text differs from what it was given (a placeholder spelt otherwise, a list, a fragment, an identifier). */
  let rewritten = rules.style !== "question"
  const placeholder = (): string => (rules.style === "question" ? "?" : `$${parameters.length}`)

  const value = (item: unknown): string => {
    if (isRaw(item)) {
      rewritten = true
      const fragment = item as RawQueryFragment
      return render(fragment.sql, fragment.params)
    }
    if (isJsonValue(item)) {
      parameters.push(JSON.stringify(item))
      return placeholder()
    }
    if (Array.isArray(item)) {
      rewritten = true
      return item.map(value).join(", ")
    }
    parameters.push(rules.toDriverValue(item))
    return placeholder()
  }

  const render = (text: string, values: ReadonlyArray<unknown>): string => {
    let out = ""
    let next = 0
    let from = 0
    for (let at = text.indexOf("?"); at !== -1; at = text.indexOf("?", from)) {
      if (at > 0 && text[at - 1] === "\\") {
        // `\?` is a literal question mark (e.g. PostgreSQL's jsonb `?` operator).
        if (rules.style === "question") throw new Error("a literal `?` cannot be sent to SQLite with bound parameters")
        rewritten = true
        out += `${text.slice(from, at - 1)}?`
        from = at + 1
      } else if (text[at + 1] === "?") {
        rewritten = true
        out += text.slice(from, at) + rules.quoteIdentifier(String(values[next++]))
        from = at + 2
      } else {
        if (next >= values.length) throw new Error(`statement has more placeholders than its ${values.length} values`)
        out += text.slice(from, at) + value(values[next++])
        from = at + 1
      }
    }
    return out + text.slice(from)
  }

  if (params.length === 0) return { sql, parameters }
  const text = render(sql, params)
  return { sql: rewritten ? text : sql, parameters }
}

/** better-sqlite3: dates as epoch milliseconds (as MikroORM's SQLite platform writes them), booleans as 1/0. */
export const sqliteDriverValue = (value: unknown): unknown => {
  if (value === undefined || value === null) return null
  if (value instanceof Date) return value.getTime()
  if (typeof value === "boolean") return value ? 1 : 0
  return value
}

/** pg: dates as the platform formats them (UTC ISO text), bigints as decimal text. */
export const postgresDriverValue =
  (formatDate: (date: Date) => string) =>
  (value: unknown): unknown => {
    if (value === undefined || value === null) return null
    if (value instanceof Date) return formatDate(value)
    if (typeof value === "bigint") return value.toString()
    return value
  }
