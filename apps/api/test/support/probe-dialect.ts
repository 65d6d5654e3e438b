/**
 * A minimal dialect for testing how the server mounts dialects: API-key auth, one implemented
 * endpoint over the real ledger (count the customers it can see), one documented endpoint that is
 * not implemented, and a flat `{ error: { tag, message } }` error shape.
 */
import { bearerApiKey, defineDialect, type ErrorTable, endpoint, ok } from "@paybridge/adapter-kit"
import { Parties } from "@paybridge/core"
import { Effect, Schema } from "effect"

const body = (tag: string, message: string) => ({ error: { tag, message } })

const probeErrors: ErrorTable = {
  NotFound: { status: 404, body: (e) => body(e._tag, e.message) },
  ValidationFailed: { status: 400, body: (e) => body(e._tag, e.message) },
  InvalidTransition: { status: 409, body: (e) => body(e._tag, e.message) },
  Conflict: { status: 409, body: (e) => body(e._tag, e.message) },
  Unauthorized: { status: 401, body: (e) => body(e._tag, e.message) },
  Forbidden: { status: 403, body: (e) => body(e._tag, e.message) },
  NotImplemented: { status: 501, body: (e) => body(e._tag, e.message) },
  StorageUnavailable: { status: 503, body: (e) => body(e._tag, e.message) },
  Overloaded: { status: 503, body: (e) => body(e._tag, e.message) },
  PayloadTooLarge: { status: 413, body: (e) => body(e._tag, e.message) },
  TooManyRequests: { status: 429, body: (e) => body(e._tag, e.message) },
  Internal: { status: 500, body: (e) => body(e._tag, e.message) }
}

export const probeDialect = defineDialect({
  id: "probe",
  title: "Probe dialect",
  vendorDocs: "https://probe.example/docs",
  defaultBasePath: "/probe/v1",
  authenticate: bearerApiKey(),
  renderError: probeErrors,
  errorSchema: Schema.Struct({ error: Schema.Struct({ tag: Schema.String, message: Schema.String }) }),
  endpoints: [
    endpoint({
      method: "GET",
      path: "/customers/count",
      operationId: "countCustomers",
      summary: "How many customers the caller can see (first page)",
      tags: ["customers"],
      responses: { 200: { description: "The count" } },
      tests: ["dialect-mount.test.ts"],
      implemented: true,
      handler: () =>
        Parties.use((parties) => parties.listCustomers({ limit: 1000 })).pipe(
          Effect.map((page) => ok({ count: page.items.length }))
        )
    }),
    endpoint({
      method: "DELETE",
      path: "/customers/:id",
      operationId: "deleteCustomer",
      summary: "Delete a customer",
      tags: ["customers"],
      responses: { 204: { description: "Deleted" } },
      tests: [],
      implemented: false
    })
  ]
})
