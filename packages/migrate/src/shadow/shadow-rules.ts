/**
 * What the shadow proxy must know of a vendor: which requests are reads (mirrored to Paybridge and
 * compared) — everything else is a write and goes to the vendor only —, how to take the client's
 * own credentials off a mirrored request (the mirror signs in to Paybridge with its own), and which
 * fields of an answer are about the response itself rather than the data (tracking and request
 * ids), so they are not compared. Each vendor's rules live with its reader
 * (`sources/<vendor>/<vendor>.shadow.ts`).
 */
export interface MirrorRequest {
  readonly method: string
  /** Path below the base URL, with its query string (`customers/1/payments/?page=2`). */
  readonly path: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string | undefined
}

export interface ShadowRules {
  readonly isRead: (method: string, path: string) => boolean
  /** The request without the client's credentials (headers, a `token` parameter …). */
  readonly stripCredentials: (request: MirrorRequest) => MirrorRequest
  /** Volatile-field patterns (see `pathPattern`): never compared. */
  readonly volatileFields: ReadonlyArray<string>
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
