/**
 * Elevate's `payment-providers` resource: ledger gateways (created by admins), with the
 * Elevate-only attributes (type, creditor id, flags, contract owners) in a dialect record;
 * `status` is the gateway's `enabled`. `PATCH` is documented but not performed (501): gateways are
 * immutable.
 */
import { allPages, created, type Endpoint, endpoint, ok } from "@paybridge/adapter-kit"
import { type DialectRecord, GatewayId, Parties } from "@paybridge/core"
import { Effect } from "effect"
import {
  CreatePaymentProvider,
  PaymentProvider,
  PaymentProviderList,
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

const suite = "elevate.test.ts"

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
    summary: "Update a payment provider (JSON Patch); the ledger's gateways cannot be changed after creation",
    tags: ["payment-providers"],
    request: { params: PaymentProviderPath },
    responses: { 200: { description: "The payment provider", schema: PaymentProvider } },
    tests: [],
    implemented: false
  })
]
