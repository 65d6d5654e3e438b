/**
 * Elevate's `payment-providers` resource: ledger gateways (created by admins), with the
 * Elevate-only attributes (type, creditor id, flags, contract owners) in a dialect record;
 * `status` is the gateway's `enabled`. `PATCH` takes JSON Patch `replace` operations on `/name`,
 * `/status` (enables or disables the ledger gateway) and the Elevate-only attributes, as one unit;
 * `type` and `id` cannot change.
 */
import { allPages, created, type Endpoint, endpoint, ok } from "@paybridge/adapter-kit"
import { type DialectRecord, GatewayId, Parties, validationFailed } from "@paybridge/core"
import { Effect } from "effect"
import {
  CreatePaymentProvider,
  PaymentProvider,
  PaymentProviderList,
  PaymentProviderPatch,
  PaymentProviderPath,
  PaymentProvidersQuery,
  paymentMethods
} from "./elevate.schemas.ts"
import { creationSeed, isPaymentMethod, kinds, recordOf, recordsOf, saveRecord, unit } from "./elevate.transformers.ts"
import { type FieldSpecs, parseListQuery, type WireRow, wirePage } from "./list-grammar.transformers.ts"

/** A ledger gateway and its Elevate record as an Elevate payment provider. */
const providerWire = (gateway: { id: number; name: string; enabled: boolean }, record: DialectRecord | null) => {
  const data = record?.data ?? {}
  const text = (name: string) => (typeof data[name] === "string" ? (data[name] as string) : null)
  const flag = (name: string) => data[name] === true
  return {
    id: gateway.id,
    type: isPaymentMethod(data.type) ? data.type : "OTHER",
    name: gateway.name,
    directDebitWithName: text("directDebitWithName"),
    status: gateway.enabled ? "ACTIVE" : "INACTIVE",
    creditorIdentifier: text("creditorIdentifier"),
    instantBankPayments: flag("instantBankPayments"),
    retryIfPossible: flag("retryIfPossible"),
    acceptExternalPayments: flag("acceptExternalPayments"),
    contractOwnerIds: Array.isArray(data.contractOwnerIds)
      ? data.contractOwnerIds.filter((value): value is number => Number.isInteger(value))
      : [],
    syncInstantBankPaymentsWithMandateCreation: flag("syncInstantBankPaymentsWithMandateCreation")
  } as const
}

/** The payment-provider fields, as the list grammar sees them. */
const providerFields: FieldSpecs = {
  id: { kind: "integer" },
  type: { kind: "enum", values: paymentMethods },
  name: { kind: "text" },
  directDebitWithName: { kind: "text" },
  status: { kind: "enum", values: ["ACTIVE", "INACTIVE"] },
  creditorIdentifier: { kind: "text" },
  instantBankPayments: { kind: "boolean" },
  retryIfPossible: { kind: "boolean" },
  acceptExternalPayments: { kind: "boolean" },
  contractOwnerIds: { kind: "text" },
  syncInstantBankPaymentsWithMandateCreation: { kind: "boolean" }
}

const suite = "elevate.providers.test.ts"

const isText = (max: number) => (value: unknown) => typeof value === "string" && value.length <= max
const isNullableText = (max: number) => (value: unknown) => value === null || isText(max)(value)
const isFlag = (value: unknown) => typeof value === "boolean"

/** What `PATCH` may replace, with the check of each new value. */
const patchable: Readonly<Record<string, (value: unknown) => boolean>> = {
  name: (value) => isText(255)(value) && (value as string).length > 0,
  status: (value) => value === "ACTIVE" || value === "INACTIVE",
  directDebitWithName: isNullableText(255),
  creditorIdentifier: isNullableText(255),
  instantBankPayments: isFlag,
  retryIfPossible: isFlag,
  acceptExternalPayments: isFlag,
  syncInstantBankPaymentsWithMandateCreation: isFlag,
  contractOwnerIds: (value) => Array.isArray(value) && value.length <= 100 && value.every((id) => Number.isInteger(id))
}

export const paymentProvidersEndpoints: ReadonlyArray<Endpoint> = [
  endpoint({
    method: "GET",
    path: "/payment-providers",
    operationId: "getPaymentProviders",
    summary: "Get a list of payment providers",
    tags: ["payment-providers"],
    request: { query: PaymentProvidersQuery },
    responses: { 200: { description: "A page of payment providers", schema: PaymentProviderList } },
    tests: [`${suite} › payment providers › creates, lists and reads payment providers as ledger gateways`],
    implemented: true,
    handler: ({ query }) =>
      Effect.gen(function* () {
        const parties = yield* Parties
        const list = yield* parseListQuery(query, providerFields, { fieldFilters: { type: query.type } })
        const gateways = yield* allPages((cursor) => parties.listGateways({ cursor, limit: 1000 }))
        const records = new Map((yield* recordsOf(kinds.provider)).map((record) => [record.key, record]))
        const rows: Array<WireRow> = gateways.map((gateway) =>
          providerWire(gateway, records.get(String(gateway.id)) ?? null)
        )
        return ok(wirePage(rows, list, providerFields))
      })
  }),
  endpoint({
    method: "POST",
    path: "/payment-providers",
    operationId: "createPaymentProvider",
    summary: "Create a payment provider (a ledger gateway)",
    tags: ["payment-providers"],
    request: { body: CreatePaymentProvider },
    responses: { 201: { description: "Payment provider created", schema: PaymentProvider } },
    tests: [`${suite} › payment providers › creates, lists and reads payment providers as ledger gateways`],
    implemented: true,
    handler: ({ body }) =>
      Effect.gen(function* () {
        const parties = yield* Parties
        const seed = yield* creationSeed
        const gatewayId = yield* unit(
          "createPaymentProvider",
          body,
          GatewayId,
          Effect.gen(function* () {
            const gateway = yield* parties.createGateway({
              code: `elevate-${body.type.toLowerCase().replaceAll("_", "-")}-${seed.slice(0, 8)}`.slice(0, 40),
              name: body.name,
              enabled: body.status === "ACTIVE"
            })
            const { name: _name, status: _status, ...attributes } = body
            yield* saveRecord(kinds.provider, String(gateway.id), { ...attributes })
            return gateway.id
          })
        )
        const gateway = yield* parties.getGateway(gatewayId)
        return created(providerWire(gateway, yield* recordOf(kinds.provider, String(gateway.id))))
      })
  }),
  endpoint({
    method: "GET",
    path: "/payment-providers/:payment_provider_id",
    operationId: "getPaymentProvider",
    summary: "Get a specific payment provider",
    tags: ["payment-providers"],
    request: { params: PaymentProviderPath },
    responses: { 200: { description: "The payment provider", schema: PaymentProvider } },
    tests: [`${suite} › payment providers › creates, lists and reads payment providers as ledger gateways`],
    implemented: true,
    handler: ({ params }) =>
      Effect.gen(function* () {
        const parties = yield* Parties
        const gateway = yield* parties.getGateway(params.payment_provider_id)
        return ok(providerWire(gateway, yield* recordOf(kinds.provider, String(gateway.id))))
      })
  }),
  endpoint({
    method: "PATCH",
    path: "/payment-providers/:payment_provider_id",
    operationId: "updatePaymentProvider",
    summary: "Update a payment provider (JSON Patch replace of name, status and the provider's settings)",
    tags: ["payment-providers"],
    request: { params: PaymentProviderPath, body: PaymentProviderPatch },
    responses: { 200: { description: "The payment provider", schema: PaymentProvider } },
    tests: [`${suite} › payment providers › updates a provider's name, status and settings with JSON Patch`],
    implemented: true,
    handler: ({ params, body }) =>
      Effect.gen(function* () {
        const parties = yield* Parties
        const changes: Record<string, unknown> = {}
        for (const [index, operation] of body.entries()) {
          const field = operation.path.startsWith("/") ? operation.path.slice(1) : operation.path
          const spec = patchable[field]
          if (operation.op !== "replace" || spec === undefined) {
            return yield* validationFailed(
              [index, "path"],
              `only "replace" of ${Object.keys(patchable)
                .map((name) => `/${name}`)
                .join(", ")} is supported, got ${operation.op} ${operation.path.slice(0, 60)}`
            )
          }
          if (!spec(operation.value)) {
            return yield* validationFailed([index, "value"], `${field} cannot be ${JSON.stringify(operation.value)}`)
          }
          changes[field] = operation.value
        }
        const current = yield* parties.getGateway(params.payment_provider_id)
        yield* unit(
          "updatePaymentProvider",
          { id: current.id, body },
          GatewayId,
          Effect.gen(function* () {
            const { name, status, ...attributes } = changes
            yield* parties.updateGateway({
              id: current.id,
              ...(typeof name === "string" ? { name } : {}),
              ...(status === undefined ? {} : { enabled: status === "ACTIVE" })
            })
            if (Object.keys(attributes).length > 0) {
              const previous = yield* recordOf(kinds.provider, String(current.id))
              yield* saveRecord(kinds.provider, String(current.id), { ...(previous?.data ?? {}), ...attributes })
            }
            return current.id
          })
        )
        const gateway = yield* parties.getGateway(current.id)
        return ok(providerWire(gateway, yield* recordOf(kinds.provider, String(gateway.id))))
      })
  })
]
