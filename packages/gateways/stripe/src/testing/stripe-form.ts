/**
 * Stripe's request encoding for the stand-in: `application/x-www-form-urlencoded` bodies and query
 * strings with bracket nesting (`metadata[paybridge_attempt]=…`, `line_items[0][quantity]=1`,
 * `expand[0]=payment_method`) decoded into plain objects and arrays of strings, plus a canonical
 * form of the parameters so the stand-in can tell "same parameters" for idempotent replays.
 */

export type FormValue = string | FormObject | Array<FormValue>
export interface FormObject {
  [key: string]: FormValue
}

const keyPath = (key: string): Array<string> => {
  const head = /^[^[]*/.exec(key)?.[0] ?? key
  const rest = [...key.slice(head.length).matchAll(/\[([^\]]*)\]/g)].map((match) => match[1] ?? "")
  return [head, ...rest]
}

/** Decodes a form body or query string into nested objects; `a[0]`, `a[1]` become arrays. */
export const parseForm = (text: string): FormObject => {
  const root: FormObject = {}
  for (const [key, value] of new URLSearchParams(text)) {
    const path = keyPath(key)
    let node: FormObject = root
    path.forEach((segment, index) => {
      if (index === path.length - 1) {
        node[segment] = value
        return
      }
      const next = node[segment]
      if (typeof next === "object" && !Array.isArray(next)) {
        node = next
      } else {
        const created: FormObject = {}
        node[segment] = created
        node = created
      }
    })
  }
  return arraysFromIndexes(root) as FormObject
}

const arraysFromIndexes = (value: FormValue): FormValue => {
  if (typeof value === "string" || Array.isArray(value)) return value
  const keys = Object.keys(value)
  const converted: FormObject = {}
  for (const key of keys) converted[key] = arraysFromIndexes(value[key] ?? "")
  if (keys.length > 0 && keys.every((key, index) => key === String(index)))
    return keys.map((key) => converted[key] ?? "")
  return converted
}

/** A canonical text of the parameters (keys sorted), equal for equal parameters. */
export const canonicalForm = (value: FormValue): string => {
  if (typeof value === "string") return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map(canonicalForm).join(",")}]`
  const keys = Object.keys(value).sort()
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalForm(value[key] ?? "")}`).join(",")}}`
}

export const text = (form: FormObject, key: string): string | undefined => {
  const value = form[key]
  return typeof value === "string" ? value : undefined
}

export const object = (form: FormObject, key: string): FormObject | undefined => {
  const value = form[key]
  return typeof value === "object" && !Array.isArray(value) ? value : undefined
}

/** A flat string map (metadata), ignoring nested values. */
export const stringMap = (form: FormObject | undefined): Record<string, string> => {
  const map: Record<string, string> = {}
  for (const [key, value] of Object.entries(form ?? {})) if (typeof value === "string") map[key] = value
  return map
}
