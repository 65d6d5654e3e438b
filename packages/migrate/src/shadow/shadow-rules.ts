/**
 * What the shadow proxy must know of a vendor: which requests are reads (mirrored to Paybridge and
 * compared) — everything else is a write and goes to the vendor only —, how to take the client's
 * own credentials off a mirrored request (the mirror signs in to Paybridge with its own), and which
 * fields of an answer are about the response itself rather than the data (tracking and request
 * ids), so they are not compared. Each vendor's rules live with its reader
 * (`sources/<vendor>/<vendor>.shadow.ts`).
 */
import type { ShadowIdKind, ShadowPaybridgeKey, ShadowVendorKey } from "./shadow-id-table.ts"

export interface MirrorRequest {
  readonly method: string
  /** Path below the base URL, with its query string (`customers/1/payments/?page=2`). */
  readonly path: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string | undefined
}

/**
 * One form of an object's id: whose kind it is, how the vendor writes it (its source id, or one of
 * its aliases, possibly wrapped: Billing Platform (UK)'s refund row `R<n>`, Silver's document row
 * `1000000000000 + n`) and how Paybridge's dialect writes it (the ledger id or the public id,
 * possibly wrapped likewise). `unwrap` returns undefined for text not of this form.
 */
export interface ShadowIdForm {
  readonly kind: ShadowIdKind
  readonly vendor?: ShadowVendorKey
  readonly paybridge?: ShadowPaybridgeKey
  /** The vendor's text → the source id or alias value (or the candidates, first known wins), and back (default: as is). */
  readonly vendorUnwrap?: (text: string) => string | ReadonlyArray<string> | undefined
  readonly vendorWrap?: (key: string) => string | undefined
  /** Paybridge's text → the ledger or public id, and back (default: as is). */
  readonly paybridgeUnwrap?: (text: string) => string | undefined
  readonly paybridgeWrap?: (key: string) => string
}

/**
 * Where a vendor's requests and answers carry the ids of its objects, so the shadow maps them with
 * the migration's id table (`migrated-id-mapping.ts`): vendor ids in a mirrored request's path and
 * query become Paybridge's, Paybridge's ids in the answer become the vendor's. Ids the dialect
 * already shows as the vendor's (migrated payments) need no rule. `migrationFields` are fields that
 * legitimately differ on migrated data — the migration's own time and principal, ids of objects the
 * migration created in Paybridge rather than brought over — never compared in such a rehearsal.
 */
export interface ShadowIdRules {
  /** Path patterns (without the query) whose capture groups are ids of these forms, in order. */
  readonly pathIds: ReadonlyArray<{ readonly pattern: RegExp; readonly forms: ReadonlyArray<ShadowIdForm> }>
  /** Query parameters holding an id: the whole value, or the first capture group of `value`. */
  readonly queryIds: ReadonlyArray<{ readonly param: string; readonly form: ShadowIdForm; readonly value?: RegExp }>
  /**
   * Answer fields (`pathPattern` patterns) holding an id, in answers to requests whose path (no query)
   * matches `where` (default: all); several forms may share a field (the first that knows the id wins).
   */
  readonly answerIds: ReadonlyArray<{ readonly field: string; readonly form: ShadowIdForm; readonly where?: RegExp }>
  /** Answer fields holding a link (absolute or not) whose path is mapped back by `pathIds`. */
  readonly answerLinks: ReadonlyArray<{ readonly field: string; readonly where?: RegExp }>
  readonly migrationFields: ReadonlyArray<string>
}

export interface ShadowRules {
  readonly isRead: (method: string, path: string) => boolean
  /** The request without the client's credentials (headers, a `token` parameter …). */
  readonly stripCredentials: (request: MirrorRequest) => MirrorRequest
  /** Volatile-field patterns (see `pathPattern`): never compared. */
  readonly volatileFields: ReadonlyArray<string>
  /** Where ids are, for the mapping from the migration's records (none: ids are the same on both sides). */
  readonly ids?: ShadowIdRules
}

const credentialHeaders = new Set(["authorization", "cookie", "x-api-key"])

/** The request without `Authorization`/`Cookie` headers. */
export const withoutCredentialHeaders = (request: MirrorRequest): MirrorRequest => ({
  ...request,
  headers: Object.fromEntries(
    Object.entries(request.headers).filter(([name]) => !credentialHeaders.has(name.toLowerCase()))
  )
})

/** GET, HEAD and OPTIONS are reads. */
export const isSafeMethod = (method: string): boolean => ["GET", "HEAD", "OPTIONS"].includes(method.toUpperCase())

/**
 * The endpoint a request counts under in the report: method and path with ids replaced by `{id}`
 * (`GET customers/{id}/payments/`), query left out.
 */
export const endpointOf = (method: string, path: string): string => {
  const pathname = path.split("?")[0] ?? ""
  const generic = pathname
    .split("/")
    .map((segment) => (/^(-?\d+|R\d+|[0-9A-Fa-f]{32})$/u.test(segment) ? "{id}" : segment))
    .join("/")
  return `${method.toUpperCase()} ${generic.replace(/^\/+/u, "")}`
}
