/**
 * The shadow proxy (`pnpm migrate -- shadow …`): clients are pointed at it during a rehearsal in
 * place of the vendor. Every request is forwarded to the vendor as it came and the client gets the
 * vendor's answer, status, headers and body, untouched. A read (by the vendor's shadow rules) is
 * then also sent to Paybridge's dialect — without the client's credentials, with the mirror's own
 * session, and through an id mapping (vendor ids → Paybridge ids; pluggable, identity until the
 * migration's external refs provide the real one) — and the two answers are compared field by
 * field, minus the vendor's volatile fields and with each side's base URL taken out of hyperlinks.
 * Writes go to the vendor only (the next incremental import picks them up). The tally feeds the
 * readiness report; `GET /__paybridge_shadow/report` answers it live.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { type ExactJson, MalformedJson, parseExactJson } from "../http/exact-json.ts"
import type { SourceHttp } from "../http/source-http.ts"
import type { Vendor } from "../sources/vendors.ts"
import { compareJson, type Difference, pathPattern } from "./json-compare.ts"
import { type ReadinessReport, ShadowTally } from "./readiness-report.ts"
import { endpointOf, type MirrorRequest } from "./shadow-rules.ts"

/** How vendor ids become Paybridge ids on a mirrored read, and back in Paybridge's answer. */
export interface ShadowIdMapping {
  readonly toPaybridge: (request: MirrorRequest) => MirrorRequest | Promise<MirrorRequest>
  /** Paybridge's answer with its ids made the vendor's; `request` is the read as the client sent it. */
  readonly fromPaybridge?: (body: ExactJson, request: MirrorRequest) => ExactJson | Promise<ExactJson>
  /** Fields that legitimately differ on data this mapping came from (a migration's own time and principal). */
  readonly ignoreFields?: ReadonlyArray<string>
}

/** Ids are the same on both sides (a rehearsal against an identical copy, or ids kept by the migration). */
export const identityIdMapping: ShadowIdMapping = { toPaybridge: (request) => request }

export interface ShadowProxyOptions {
  readonly vendor: Vendor
  readonly sourceUrl: string
  readonly paybridgeUrl: string
  /** The mirror's client: base URL = Paybridge's dialect, session = Paybridge credentials. */
  readonly paybridge: SourceHttp
  readonly idMapping?: ShadowIdMapping
  /** More volatile-field patterns (`--ignore-field`). */
  readonly ignoreFields?: ReadonlyArray<string>
  readonly host?: string
  readonly port?: number
  readonly maxDifferences?: number
  /** Called when a mirrored read has been compared (tests, logs). */
  readonly onCompared?: (endpoint: string, differences: ReadonlyArray<Difference>) => void
}

export interface ShadowProxy {
  readonly url: string
  readonly tally: ShadowTally
  readonly report: () => ReadinessReport
  /** Waits until every mirrored read so far has been compared. */
  readonly settled: () => Promise<void>
  readonly close: () => Promise<void>
}

const hopByHop = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "upgrade",
  "te",
  "trailer",
  "host",
  "content-length",
  "accept-encoding"
])

const forwardableHeaders = (headers: IncomingHttpHeaders): Record<string, string> => {
  const result: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || hopByHop.has(name)) continue
    result[name] = Array.isArray(value) ? value.join(", ") : value
  }
  return result
}

const readBody = async (request: IncomingMessage): Promise<Buffer> => {
  const chunks: Array<Buffer> = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

const withoutTrailingSlash = (url: string) => url.replace(/\/+$/u, "")

/** Replaces the base URL (with and without its origin) by nothing, so `http://a/silver/x/` and `http://b/x/` read `/x/`. */
const baseStripper = (base: string) => {
  const full = withoutTrailingSlash(base)
  const path = withoutTrailingSlash(new URL(base).pathname)
  return (text: string) => {
    let result = text.split(full).join("")
    if (path !== "" && result.startsWith(path)) result = result.slice(path.length)
    return result
  }
}

const parseOrNull = (text: string): ExactJson | undefined => {
  if (text.trim() === "") return undefined
  try {
    return parseExactJson(text)
  } catch (error) {
    if (error instanceof MalformedJson) return undefined
    throw error
  }
}

export const startShadowProxy = async (options: ShadowProxyOptions): Promise<ShadowProxy> => {
  const tally = new ShadowTally(options.maxDifferences ?? 50)
  const rules = options.vendor.shadow
  const mapping = options.idMapping ?? identityIdMapping
  const volatile = [...rules.volatileFields, ...(mapping.ignoreFields ?? []), ...(options.ignoreFields ?? [])].map(
    pathPattern
  )
  const ignore = (path: string) => volatile.some((test) => test(path))
  const normaliseVendor = baseStripper(options.sourceUrl)
  const normalisePaybridge = baseStripper(options.paybridgeUrl)
  const sourceBase = `${withoutTrailingSlash(options.sourceUrl)}/`
  const pending = new Set<Promise<void>>()
  const meta = { vendor: options.vendor.id, source: options.sourceUrl, paybridge: options.paybridgeUrl }

  const mirror = async (request: MirrorRequest, vendorStatus: number, vendorText: string) => {
    const endpoint = endpointOf(request.method, request.path)
    const label = `${request.method} ${request.path}`
    try {
      const mapped = await mapping.toPaybridge(rules.stripCredentials(request))
      const response = await options.paybridge.request({
        method: mapped.method as "GET",
        path: mapped.path,
        headers: mapped.headers,
        ...(mapped.body === undefined ? {} : { body: mapped.body })
      })
      const differences: Array<Difference> = []
      if (response.status !== vendorStatus) {
        differences.push({ path: "(status)", vendor: String(vendorStatus), paybridge: String(response.status) })
      }
      const vendorJson = parseOrNull(vendorText)
      let paybridgeJson = parseOrNull(response.text)
      if (paybridgeJson !== undefined && mapping.fromPaybridge !== undefined) {
        paybridgeJson = await mapping.fromPaybridge(paybridgeJson, request)
      }
      if (vendorJson !== undefined || paybridgeJson !== undefined) {
        differences.push(...compareJson(vendorJson, paybridgeJson, { ignore, normaliseVendor, normalisePaybridge }))
      } else if (normaliseVendor(vendorText) !== normalisePaybridge(response.text)) {
        differences.push({ path: "(body)", vendor: vendorText.slice(0, 200), paybridge: response.text.slice(0, 200) })
      }
      tally.recordComparison(endpoint, label, differences)
      options.onCompared?.(endpoint, differences)
    } catch (error) {
      tally.recordError(endpoint, label, error instanceof Error ? error.message : String(error))
      options.onCompared?.(endpoint, [{ path: "(mirror error)", vendor: "", paybridge: String(error) }])
    }
  }

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const method = (request.method ?? "GET").toUpperCase()
    const path = (request.url ?? "/").replace(/^\/+/u, "")
    if (method === "GET" && path === "__paybridge_shadow/report") {
      response.writeHead(200, { "content-type": "application/json" })
      response.end(JSON.stringify(tally.report(meta)))
      return
    }
    const body = await readBody(request)
    const headers = forwardableHeaders(request.headers)
    let vendorResponse: Response
    try {
      vendorResponse = await fetch(new URL(path, sourceBase), {
        method,
        headers: { ...headers, "accept-encoding": "identity" },
        ...(method === "GET" || method === "HEAD" || body.length === 0 ? {} : { body }),
        redirect: "manual"
      })
    } catch (error) {
      response.writeHead(502, { "content-type": "application/json" })
      response.end(JSON.stringify({ error: `shadow proxy: the vendor did not answer: ${String(error)}` }))
      return
    }
    const vendorBody = Buffer.from(await vendorResponse.arrayBuffer())
    const outgoing: Record<string, string> = {}
    vendorResponse.headers.forEach((value, name) => {
      if (!hopByHop.has(name) && name !== "content-encoding") outgoing[name] = value
    })
    const setCookies = vendorResponse.headers.getSetCookie()
    response.writeHead(vendorResponse.status, {
      ...outgoing,
      ...(setCookies.length > 0 ? { "set-cookie": setCookies } : {}),
      "content-length": String(vendorBody.length)
    })
    response.end(vendorBody)

    if (!rules.isRead(method, path)) {
      tally.writesForwarded++
      return
    }
    const mirrored: MirrorRequest = {
      method,
      path,
      headers,
      body: body.length === 0 ? undefined : body.toString("utf8")
    }
    const job = mirror(mirrored, vendorResponse.status, vendorBody.toString("utf8")).finally(() => pending.delete(job))
    pending.add(job)
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { "content-type": "application/json" })
      response.end(JSON.stringify({ error: `shadow proxy: ${String(error)}` }))
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve())
  })
  const address = server.address() as AddressInfo
  const host = address.address.includes(":") ? `[${address.address}]` : address.address

  const settled = async () => {
    while (pending.size > 0) await Promise.allSettled([...pending])
  }
  return {
    url: `http://${host}:${address.port}`,
    tally,
    report: () => tally.report(meta),
    settled,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      await settled()
    }
  }
}
