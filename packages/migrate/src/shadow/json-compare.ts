/**
 * Field-by-field comparison of two JSON answers (the vendor's and Paybridge's) for the shadow
 * proxy. Objects are compared key by key whatever their order, arrays element by element (a length
 * difference is one difference at `path.length`), numbers by exact decimal value (`75.00` equals
 * `75`, never through a float), strings after a normalisation the caller supplies (the shadow strips
 * each side's own base URL from hyperlinks). Paths are written `items[3].amount`; fields a rule marks
 * volatile are matched by patterns where `[]` stands for any index, `*` for one field name and `**`
 * for any run of path (`**.trackingId`, `items[].created`).
 */
import { decimalTextOf, type ExactJson, ExactNumber, isJsonObject, stringifyExactJson } from "../http/exact-json.ts"

export interface Difference {
  /** Where, with concrete indices: `pagedResults.items[3].amount`. */
  readonly path: string
  /** The value's JSON text on each side; `(absent)` for a missing field. */
  readonly vendor: string
  readonly paybridge: string
}

export interface CompareOptions {
  /** True for a path (indices written `[]`) whose value is not compared. */
  readonly ignore?: (genericPath: string) => boolean
  /** Applied to every string on the vendor's side and on Paybridge's side before comparing. */
  readonly normaliseVendor?: (text: string) => string
  readonly normalisePaybridge?: (text: string) => string
}

const absent = "(absent)"

const render = (value: ExactJson | undefined): string => (value === undefined ? absent : stringifyExactJson(value))

/** The exact value of a number, normalised (`75.00` → `75`, `-0.50` → `-0.5`), or null when not a number. */
const numberValue = (value: unknown): string | null => {
  if (!(value instanceof ExactNumber) && typeof value !== "number") return null
  const text = decimalTextOf(value)
  if (text === null) return String(value)
  const match = /^(-?)(\d+)(?:\.(\d+))?$/u.exec(text)
  if (match === null) return text
  const whole = (match[2] ?? "0").replace(/^0+(?=\d)/u, "")
  const fraction = (match[3] ?? "").replace(/0+$/u, "")
  const sign = whole === "0" && fraction === "" ? "" : (match[1] ?? "")
  return `${sign}${whole}${fraction === "" ? "" : `.${fraction}`}`
}

/** Turns a volatile-field pattern into a test on generic paths. */
export const pathPattern = (pattern: string): ((path: string) => boolean) => {
  const source = pattern
    .split(/(\*\*|\*|\[\])/u)
    .map((part) =>
      part === "**"
        ? ".*"
        : part === "*"
          ? "[^.\\[\\]]*"
          : part === "[]"
            ? "\\[\\]"
            : part.replace(/[.*+?^${}()|[\]\\]/gu, "\\$&")
    )
    .join("")
  const regex = new RegExp(`^(?:${source})$`, "u")
  return (path) => regex.test(path)
}

/** Every difference between the vendor's and Paybridge's JSON, in document order. */
export const compareJson = (
  vendor: ExactJson | undefined,
  paybridge: ExactJson | undefined,
  options: CompareOptions = {}
): ReadonlyArray<Difference> => {
  const differences: Array<Difference> = []
  const ignore = options.ignore ?? (() => false)
  const normaliseVendor = options.normaliseVendor ?? ((text: string) => text)
  const normalisePaybridge = options.normalisePaybridge ?? ((text: string) => text)

  const walk = (left: ExactJson | undefined, right: ExactJson | undefined, path: string, generic: string) => {
    if (generic !== "" && ignore(generic)) return
    const report = () =>
      differences.push({ path: path === "" ? "(body)" : path, vendor: render(left), paybridge: render(right) })
    if (left === undefined || right === undefined) {
      if (left !== right) report()
      return
    }
    const leftNumber = numberValue(left)
    const rightNumber = numberValue(right)
    if (leftNumber !== null || rightNumber !== null) {
      if (leftNumber !== rightNumber) report()
      return
    }
    if (typeof left === "string" || typeof right === "string") {
      if (
        typeof left !== "string" ||
        typeof right !== "string" ||
        normaliseVendor(left) !== normalisePaybridge(right)
      ) {
        report()
      }
      return
    }
    if (Array.isArray(left) || Array.isArray(right)) {
      if (!Array.isArray(left) || !Array.isArray(right)) return report()
      const length = Math.max(left.length, right.length)
      for (let index = 0; index < length; index++) {
        walk(left[index], right[index], `${path}[${index}]`, `${generic}[]`)
      }
      if (left.length !== right.length) {
        differences.push({ path: `${path}.length`, vendor: String(left.length), paybridge: String(right.length) })
      }
      return
    }
    if (isJsonObject(left) || isJsonObject(right)) {
      if (!isJsonObject(left) || !isJsonObject(right)) return report()
      const keys = [...new Set([...Object.keys(left), ...Object.keys(right)])]
      for (const key of keys) {
        const prefix = path === "" ? "" : "."
        const genericPrefix = generic === "" ? "" : "."
        walk(left[key], right[key], `${path}${prefix}${key}`, `${generic}${genericPrefix}${key}`)
      }
      return
    }
    if (left !== right) report()
  }

  walk(vendor, paybridge, "", "")
  return differences
}
