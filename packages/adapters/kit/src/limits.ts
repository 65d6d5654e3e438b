/**
 * Bounds on what a request may make the server read or repeat. A body is read at most up to
 * `maxBodyBytes` (a declared `Content-Length` over it is refused before anything is read, an
 * undeclared one as soon as the count passes it) and answered `PayloadTooLarge`; a query string
 * longer than `maxQueryLength` or with more than `maxQueryParameters` parameters, and an
 * idempotency key longer than `maxIdempotencyKeyLength`, are refused as `ValidationFailed` before
 * any handler runs — so nothing a client sends is echoed back unbounded (Silver's `Link` header
 * repeats the query four times, self links repeat it once). The dialect app applies these to
 * every route, in the vendor's error shape; `apps/api` applies the body limit to tRPC too.
 * {@link requestTextProblem} refuses, the same way and before credentials are read, a request
 * whose path, query or body holds a NUL character or a lone surrogate anywhere (core's
 * `illFormedTextPath`), so the vendor's unauthenticated login fields are covered too.
 */
import { illFormedTextPath, ValidationFailed } from "@paybridge/core"

/** The bounds; see the module comment. */
export interface RequestLimits {
  /** Largest request body read, in bytes; larger is answered `PayloadTooLarge` (413). */
  readonly maxBodyBytes: number
  /** Longest query string (the part after `?`, as sent). */
  readonly maxQueryLength: number
  /** Most query parameters (repeated names count each time). */
  readonly maxQueryParameters: number
  /** Longest idempotency key, in characters (the ledger stores up to 255). */
  readonly maxIdempotencyKeyLength: number
}

/** 1 MiB bodies; a 2,048-character query of at most 64 parameters; 255-character idempotency keys. */
export const defaultRequestLimits: RequestLimits = {
  maxBodyBytes: 1024 * 1024,
  maxQueryLength: 2048,
  maxQueryParameters: 64,
  maxIdempotencyKeyLength: 255
}

/** A body read within its limit, or the news that it was larger. */
export type LimitedBody =
  | { readonly _tag: "Read"; readonly bytes: Uint8Array<ArrayBuffer> }
  | { readonly _tag: "TooLarge" }

/**
 * Reads `request`'s body, never holding more than `maxBytes` of it: a declared `Content-Length`
 * over the limit is refused unread, and a streamed body is abandoned as soon as it passes it.
 */
export const readBodyLimited = async (request: Request, maxBytes: number): Promise<LimitedBody> => {
  const declared = request.headers.get("content-length")
  if (declared !== null && /^\d+$/u.test(declared.trim()) && Number(declared) > maxBytes) return { _tag: "TooLarge" }
  if (request.body === null) return { _tag: "Read", bytes: new Uint8Array(0) }
  const reader = request.body.getReader()
  const chunks: Array<Uint8Array> = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined)
      return { _tag: "TooLarge" }
    }
    chunks.push(value)
  }
  const bytes: Uint8Array<ArrayBuffer> = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return { _tag: "Read", bytes }
}

/** The query string of `url` as sent (without `?`). */
const rawQuery = (url: string): string => {
  const mark = url.indexOf("?")
  if (mark < 0) return ""
  const hash = url.indexOf("#", mark)
  return url.slice(mark + 1, hash < 0 ? undefined : hash)
}

/** Why a request's query is refused, or `null` when it is within `limits`. */
export const queryLimitProblem = (
  url: string,
  limits: Pick<RequestLimits, "maxQueryLength" | "maxQueryParameters">
): ValidationFailed | null => {
  const query = rawQuery(url)
  if (query.length > limits.maxQueryLength) {
    const message = `The query string is longer than ${limits.maxQueryLength} characters`
    return new ValidationFailed({ message, issues: [{ path: [], message }] })
  }
  const parameters = query === "" ? 0 : query.split("&").filter((part) => part !== "").length
  if (parameters > limits.maxQueryParameters) {
    const message = `The query string has more than ${limits.maxQueryParameters} parameters`
    return new ValidationFailed({ message, issues: [{ path: [], message }] })
  }
  return null
}

/** Why an idempotency key is refused, or `null` when it is within `limits`. */
export const idempotencyKeyProblem = (
  key: string | null,
  limits: Pick<RequestLimits, "maxIdempotencyKeyLength">
): ValidationFailed | null => {
  if (key === null || key.length <= limits.maxIdempotencyKeyLength) return null
  const message = `The idempotency key is longer than ${limits.maxIdempotencyKeyLength} characters`
  return new ValidationFailed({ message, issues: [{ path: ["Idempotency-Key"], message }] })
}

/** What a request carries as text: path parameters, every query value, the decoded body. */
export interface RequestText {
  readonly params: Readonly<Record<string, string>>
  readonly query: Readonly<Record<string, ReadonlyArray<string>>>
  readonly body: unknown
}

/**
 * Why a request is refused for ill-formed text (a NUL or a lone surrogate in a path parameter, a
 * query name or value, or any string or field name of the body), or `null` when all is well formed.
 */
export const requestTextProblem = (request: RequestText): ValidationFailed | null => {
  const found =
    illFormedTextPath(request.params, ["path"]) ??
    illFormedTextPath(request.query, ["query"]) ??
    illFormedTextPath(request.body, ["body"])
  if (found === null) return null
  const where = found.path.join(".")
  const message = `${where}: ${found.message}`
  return new ValidationFailed({ message, issues: [{ path: found.path.slice(1), message: found.message }] })
}
