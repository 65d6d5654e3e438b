/**
 * The shadow's id mapping from a migration (issue 16.5): a mirrored read names the vendor's ids
 * (in its path and query), which in Paybridge are the objects the import booked them as; and
 * Paybridge's answer names Paybridge's ids, which the vendor's answer names by the vendor's. With
 * the migration's id table and the vendor's id rules (`ShadowRules.ids`, in each vendor's
 * `.shadow.ts`), the request's ids are turned into Paybridge's before it is sent and the answer's
 * ids back into the vendor's before it is compared — so a read of migrated data compares equal when
 * the data is. Ids the table does not know (objects created after the migration, Paybridge's own)
 * pass unchanged, and so does everything when the vendor has no id rules.
 */
import { type ExactJson, ExactNumber, isJsonObject } from "../http/exact-json.ts"
import { pathPattern } from "./json-compare.ts"
import type { ShadowIdTable } from "./shadow-id-table.ts"
import type { ShadowIdMapping } from "./shadow-proxy.ts"
import type { MirrorRequest, ShadowIdForm, ShadowIdRules, ShadowRules } from "./shadow-rules.ts"

/** Paybridge's text for the object the vendor names `text` in `form`, or undefined when not migrated. */
const paybridgeIdOf = (table: ShadowIdTable, form: ShadowIdForm, text: string): string | undefined => {
  const keys = form.vendorUnwrap === undefined ? text : form.vendorUnwrap(text)
  if (keys === undefined) return undefined
  const entry = (typeof keys === "string" ? [keys] : keys)
    .map((key) => table.byVendor(form.kind, form.vendor ?? { by: "sourceId" }, key))
    .find((found) => found !== undefined)
  if (entry === undefined) return undefined
  const id = (form.paybridge ?? "ledgerId") === "publicId" ? entry.publicId : String(entry.ledgerIds[0])
  if (id === null || id === undefined) return undefined
  return form.paybridgeWrap === undefined ? id : form.paybridgeWrap(id)
}

/** The vendor's text for the object Paybridge names `text` in `form`, or undefined when not migrated. */
const vendorIdOf = (table: ShadowIdTable, form: ShadowIdForm, text: string): string | undefined => {
  const key = form.paybridgeUnwrap === undefined ? text : form.paybridgeUnwrap(text)
  if (key === undefined) return undefined
  const entry = table.byPaybridge(form.kind, form.paybridge ?? "ledgerId", key)
  if (entry === undefined) return undefined
  const vendor = form.vendor ?? { by: "sourceId" }
  const value = vendor.by === "sourceId" ? entry.sourceId : entry.aliases[vendor.alias]
  if (value === undefined) return undefined
  return form.vendorWrap === undefined ? value : form.vendorWrap(value)
}

const withIndices = (pattern: RegExp) =>
  pattern.hasIndices ? pattern : new RegExp(pattern.source, `${pattern.flags}d`)

/** Replaces the capture groups of the first matching path rule by `map(form, value)` (unchanged when undefined). */
const mapPathIds = (
  rules: ShadowIdRules["pathIds"],
  pathname: string,
  map: (form: ShadowIdForm, value: string) => string | undefined
): string => {
  for (const { pattern, forms } of rules) {
    const match = pattern.exec(pathname)
    if (match === null) continue
    let result = ""
    let last = 0
    forms.forEach((form, index) => {
      const span = match.indices?.[index + 1]
      const value = match[index + 1]
      if (span === undefined || value === undefined) return
      result += pathname.slice(last, span[0]) + (map(form, value) ?? value)
      last = span[1]
    })
    return result + pathname.slice(last)
  }
  return pathname
}

/** The mapping for a vendor's rules over a migration's id table (identity when the vendor has no rules). */
export const migratedIdMapping = (rules: ShadowRules, table: ShadowIdTable): ShadowIdMapping => {
  const ids = rules.ids
  if (ids === undefined) return { toPaybridge: (request) => request }
  const pathIds = ids.pathIds.map((rule) => ({ ...rule, pattern: withIndices(rule.pattern) }))
  const toPaybridge = (form: ShadowIdForm, text: string) => paybridgeIdOf(table, form, text)
  const toVendor = (form: ShadowIdForm, text: string) => vendorIdOf(table, form, text)
  const answerIds = ids.answerIds.map(({ field, form, where }) => ({ test: pathPattern(field), form, where }))
  const answerLinks = ids.answerLinks.map(({ field, where }) => ({ test: pathPattern(field), where }))
  const applies = (where: RegExp | undefined, pathname: string) => where === undefined || where.test(pathname)

  const mapLink = (link: string): string => {
    const match = /^((?:[a-z]+:\/\/[^/]+)?)([^?#]*)(.*)$/su.exec(link)
    if (match === null) return link
    return `${match[1] ?? ""}${mapPathIds(pathIds, match[2] ?? "", toVendor)}${match[3] ?? ""}`
  }

  const mapAnswer = (value: ExactJson, generic: string, pathname: string): ExactJson => {
    if (Array.isArray(value)) return value.map((item) => mapAnswer(item, `${generic}[]`, pathname))
    if (isJsonObject(value)) {
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [
          key,
          mapAnswer(item, generic === "" ? key : `${generic}.${key}`, pathname)
        ])
      )
    }
    if (typeof value === "string" && answerLinks.some(({ test, where }) => applies(where, pathname) && test(generic))) {
      return mapLink(value)
    }
    if (typeof value !== "string" && !(value instanceof ExactNumber) && typeof value !== "number") return value
    const text = String(value)
    for (const { test, form, where } of answerIds) {
      if (!applies(where, pathname) || !test(generic)) continue
      const mapped = toVendor(form, text)
      if (mapped === undefined) continue
      return typeof value === "string" ? mapped : /^-?\d+$/u.test(mapped) ? new ExactNumber(mapped) : mapped
    }
    return value
  }

  return {
    toPaybridge: (request: MirrorRequest) => {
      const [pathname = "", query] = request.path.split(/\?(.*)/su)
      const mappedPath = mapPathIds(pathIds, pathname, toPaybridge)
      if (query === undefined) return { ...request, path: mappedPath }
      const params = new URLSearchParams(query)
      let changed = false
      for (const { param, form, value } of ids.queryIds) {
        const given = params.get(param)
        if (given === null) continue
        let mapped = given
        if (value === undefined) mapped = toPaybridge(form, given) ?? given
        else {
          const match = withIndices(value).exec(given)
          const span = match?.indices?.[1]
          const inner = match?.[1]
          if (span !== undefined && inner !== undefined) {
            mapped = `${given.slice(0, span[0])}${toPaybridge(form, inner) ?? inner}${given.slice(span[1])}`
          }
        }
        if (mapped === given) continue
        changed = true
        params.set(param, mapped)
      }
      return { ...request, path: `${mappedPath}?${changed ? params.toString() : query}` }
    },
    // The answer's rules are chosen by the vendor's request path (the one the client sent).
    fromPaybridge: (body, request) => mapAnswer(body, "", request.path.split("?")[0] ?? ""),
    ignoreFields: ids.migrationFields
  }
}
