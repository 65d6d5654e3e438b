/**
 * OpenAPI 3.1 documents for dialects, generated from the endpoint registry and the wire schemas
 * (through Effect's `Schema.toJsonSchemaDocument`, draft 2020-12, which OpenAPI 3.1 uses as is),
 * and `docsApp`: a small Hono app that `apps/api` mounts under `/docs` to serve a page listing
 * every dialect and each dialect's document at `/docs/<id>/openapi.json`. Every operation carries
 * `x-paybridge-implemented` and `x-paybridge-tests`, and unimplemented ones say so in their
 * description, so the documents double as a machine-readable compatibility table.
 */
import { Schema } from "effect"
import { Hono } from "hono"
import type { SecurityScheme } from "./auth/authentication.ts"
import type { Dialect } from "./dialect.ts"
import { type Endpoint, pathParameterNames, toOpenApiPath } from "./endpoint-registry.ts"
import { type DialectErrorTag, dialectErrorTags } from "./errors.ts"
import { jsonExactResponse } from "./json/exact-json.ts"

/** A JSON Schema / OpenAPI object: any JSON object. */
export type JsonObject = { readonly [key: string]: unknown }

/** The OpenAPI 3.1 document of one dialect (plain JSON). */
export interface OpenApiDocument extends JsonObject {
  readonly openapi: "3.1.0"
  readonly info: JsonObject
  readonly servers: ReadonlyArray<JsonObject>
  readonly paths: Readonly<Record<string, Record<string, JsonObject>>>
  readonly components: {
    readonly schemas: Readonly<Record<string, JsonObject>>
    readonly securitySchemes: Readonly<Record<string, SecurityScheme>>
  }
}

/** Options of {@link openApiDocument}. */
export interface OpenApiOptions {
  /** Where the dialect is mounted; default its `defaultBasePath`. Becomes the server URL. */
  readonly basePath?: string | undefined
}

const componentKey = (key: string): string => (key === "" ? "_" : key.replace(/[^a-zA-Z0-9._-]/gu, "_"))

/** Calls `rewrite` on every `$ref` in a JSON Schema tree, returning a new tree. */
const rewriteRefs = (node: unknown, rewrite: (ref: string) => string): unknown => {
  if (Array.isArray(node)) return node.map((item) => rewriteRefs(item, rewrite))
  if (typeof node !== "object" || node === null) return node
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(node)) {
    out[key] = key === "$ref" && typeof value === "string" ? rewrite(value) : rewriteRefs(value, rewrite)
  }
  return out
}

const defsPrefix = "#/$defs/"

/**
 * Collects JSON Schemas of many Effect schemas into one `components.schemas` pool. Definitions
 * with the same identifier and the same content are shared; a clash of different contents gets
 * a numbered key, so no schema is silently replaced by another.
 */
class SchemaPool {
  readonly components: Record<string, JsonObject> = {}
  private readonly cache = new Map<Schema.Top, JsonObject>()

  add(schema: Schema.Top): JsonObject {
    const cached = this.cache.get(schema)
    if (cached !== undefined) return cached
    const document = Schema.toJsonSchemaDocument(schema)
    const renamed = new Map<string, string>()
    // Pick a key per definition first (content compared after renaming refs is good enough here).
    for (const [key, definition] of Object.entries(document.definitions)) {
      const base = componentKey(key)
      const text = JSON.stringify(definition)
      let candidate = base
      for (
        let n = 2;
        this.components[candidate] !== undefined && JSON.stringify(this.components[candidate]) !== text;
        n++
      ) {
        candidate = `${base}_${n}`
      }
      renamed.set(key, candidate)
    }
    const rewrite = (ref: string) =>
      ref.startsWith(defsPrefix)
        ? `#/components/schemas/${renamed.get(decodeURIComponent(ref.slice(defsPrefix.length))) ?? componentKey(ref.slice(defsPrefix.length))}`
        : ref
    for (const [key, definition] of Object.entries(document.definitions)) {
      const target = renamed.get(key) as string
      this.components[target] ??= rewriteRefs(definition, rewrite) as JsonObject
    }
    const root = rewriteRefs(document.schema, rewrite) as JsonObject
    this.cache.set(schema, root)
    return root
  }

  /** The object schema behind `root` (following one `$ref` into the pool). */
  resolve(root: JsonObject): JsonObject {
    const ref = root.$ref
    if (typeof ref === "string" && ref.startsWith("#/components/schemas/")) {
      return this.components[ref.slice("#/components/schemas/".length)] ?? root
    }
    return root
  }
}

const parametersOf = (
  pool: SchemaPool,
  schema: Schema.Top | undefined,
  location: "path" | "query",
  pathNames: ReadonlyArray<string>
): Array<JsonObject> => {
  if (schema === undefined) {
    return location === "path"
      ? pathNames.map((name) => ({ name, in: "path", required: true, schema: { type: "string" } }))
      : []
  }
  const objectSchema = pool.resolve(pool.add(schema))
  const properties = (objectSchema.properties ?? {}) as Record<string, JsonObject>
  const required = new Set((objectSchema.required ?? []) as ReadonlyArray<string>)
  const names =
    location === "path" ? Array.from(new Set([...pathNames, ...Object.keys(properties)])) : Object.keys(properties)
  return names.map((name) => {
    const property = properties[name] ?? { type: "string" }
    const description = typeof property.description === "string" ? { description: property.description } : {}
    return { name, in: location, required: location === "path" || required.has(name), ...description, schema: property }
  })
}

/** Which error tags an endpoint can answer with, by kind of endpoint. */
const errorTagsOf = (route: Endpoint): ReadonlyArray<DialectErrorTag> => {
  const auth: ReadonlyArray<DialectErrorTag> = route.access === "authenticated" ? ["Unauthorized", "Forbidden"] : []
  if (!route.implemented) return [...auth, "NotImplemented", "Internal"]
  return dialectErrorTags.filter((tag) => tag !== "NotImplemented")
}

const operationOf = (dialect: Dialect, route: Endpoint, pool: SchemaPool, errorRef: JsonObject): JsonObject => {
  const pathNames = pathParameterNames(route.path)
  const parameters = [
    ...parametersOf(pool, route.request?.params, "path", pathNames),
    ...parametersOf(pool, route.request?.query, "query", pathNames)
  ]
  const responses: Record<string, JsonObject> = {}
  for (const [status, doc] of Object.entries(route.responses)) {
    responses[status] =
      doc.schema === undefined
        ? { description: doc.description }
        : { description: doc.description, content: { "application/json": { schema: pool.add(doc.schema) } } }
  }
  const byStatus = new Map<number, Array<DialectErrorTag>>()
  for (const tag of errorTagsOf(route)) {
    const status = dialect.renderError[tag].status
    byStatus.set(status, [...(byStatus.get(status) ?? []), tag])
  }
  for (const [status, tags] of byStatus) {
    const key = String(status)
    const description = `Error: ${tags.join(", ")}`
    const existing = responses[key]
    responses[key] =
      existing === undefined
        ? { description, content: { "application/json": { schema: errorRef } } }
        : { ...existing, description: `${String(existing.description)}; or ${description}` }
  }
  const body = route.request?.body
  const notImplemented = route.implemented
    ? []
    : ["**Not implemented by Paybridge**: the endpoint is routed and authenticates, then answers `NotImplemented`."]
  const description = [route.description ?? "", ...notImplemented].filter((line) => line !== "").join("\n\n")
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(description === "" ? {} : { description }),
    ...(route.tags === undefined ? {} : { tags: route.tags }),
    ...(parameters.length === 0 ? {} : { parameters }),
    ...(body === undefined
      ? {}
      : {
          requestBody: {
            required: route.request?.bodyRequired ?? true,
            content: {
              [route.request?.bodyFormat === "form" ? "application/x-www-form-urlencoded" : "application/json"]: {
                schema: pool.add(body)
              }
            }
          }
        }),
    responses,
    ...(route.access === "public" ? { security: [] } : {}),
    "x-paybridge-implemented": route.implemented,
    "x-paybridge-tests": route.tests
  }
}

/** The OpenAPI 3.1 document of a dialect. */
export const openApiDocument = (dialect: Dialect, options: OpenApiOptions = {}): OpenApiDocument => {
  const pool = new SchemaPool()
  const errorRef = pool.add(dialect.errorSchema)
  const paths: Record<string, Record<string, JsonObject>> = {}
  for (const route of dialect.endpoints) {
    const path = toOpenApiPath(route.path)
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operationOf(dialect, route, pool, errorRef) }
  }
  const implemented = dialect.endpoints.filter((route) => route.implemented).length
  const schemes = dialect.authenticate.securitySchemes
  const docs = dialect.vendorDocLinks
  return {
    openapi: "3.1.0",
    info: {
      title: `${dialect.title} — Paybridge dialect`,
      version: dialect.version ?? "1",
      description: [
        dialect.description ?? "",
        `Paybridge implements ${implemented} of the ${dialect.endpoints.length} endpoints this vendor documents.`,
        docs.length === 0
          ? ""
          : `Vendor documentation: ${docs.map((link) => `[${link.title}](${link.url})`).join(", ")}.`
      ]
        .filter((line) => line !== "")
        .join("\n\n"),
      "x-paybridge-dialect": dialect.id
    },
    ...(docs[0] === undefined ? {} : { externalDocs: { description: docs[0].title, url: docs[0].url } }),
    servers: [{ url: options.basePath ?? dialect.defaultBasePath }],
    paths,
    components: { schemas: pool.components, securitySchemes: schemes },
    security: Object.keys(schemes).map((name) => ({ [name]: [] }))
  }
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/gu, (char) => `&#${char.charCodeAt(0)};`)

/** Options of {@link docsApp}. */
export interface DocsAppOptions {
  /** Where each dialect is mounted, by dialect id (default: its `defaultBasePath`). */
  readonly basePaths?: Readonly<Record<string, string>> | undefined
  /** Heading of the index page. */
  readonly title?: string | undefined
}

/**
 * A Hono app serving the dialects' documents: `GET /` lists them (HTML), `GET /<id>/openapi.json`
 * is one document. Mount it with `app.route("/docs", docsApp(dialects))`. Documents are built
 * once, when the app is created.
 */
export const docsApp = (dialects: ReadonlyArray<Dialect>, options: DocsAppOptions = {}): Hono => {
  const documents = new Map(
    dialects.map((dialect) => [
      dialect.id,
      { dialect, document: openApiDocument(dialect, { basePath: options.basePaths?.[dialect.id] }) }
    ])
  )
  const title = options.title ?? "Paybridge vendor dialects"
  const app = new Hono()
  app.get("/", (c) => {
    const base = c.req.path.replace(/\/+$/u, "")
    const rows = [...documents.values()]
      .map(({ dialect, document }) => {
        const implemented = dialect.endpoints.filter((route) => route.implemented).length
        const server = String(document.servers[0]?.url ?? dialect.defaultBasePath)
        const docs = dialect.vendorDocLinks
          .map((link) => `<a href="${escapeHtml(link.url)}">${escapeHtml(link.title)}</a>`)
          .join(", ")
        return `<tr><td>${escapeHtml(dialect.title)}</td><td><code>${escapeHtml(server)}</code></td><td>${implemented} / ${dialect.endpoints.length}</td><td><a href="${escapeHtml(`${base}/${dialect.id}/openapi.json`)}">openapi.json</a></td><td>${docs}</td></tr>`
      })
      .join("\n")
    const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.4rem .7rem;text-align:left}th{background:#f4f4f4}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p>Each dialect serves one vendor's REST API over the Paybridge ledger. The OpenAPI 3.1 documents list every endpoint the vendor documents; operations marked <code>x-paybridge-implemented: false</code> answer <code>NotImplemented</code>.</p>
<table>
<thead><tr><th>Dialect</th><th>Base path</th><th>Implemented</th><th>OpenAPI</th><th>Vendor documentation</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</body>
</html>
`
    return c.html(html)
  })
  app.get("/:dialect/openapi.json", (c) => {
    const entry = documents.get(c.req.param("dialect"))
    return entry === undefined
      ? jsonExactResponse({ error: `no dialect ${c.req.param("dialect")}` }, 404)
      : jsonExactResponse(entry.document, 200)
  })
  return app
}
