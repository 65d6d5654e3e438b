/**
 * Ledger operations on parties and configuration: billing entities, customers, gateways and
 * payment presets (methods and types). Configuration writes are admin-only (see
 * `auth/permissions.ts`); customers are subject to the principal's customer scope, and a scoped
 * principal cannot create customers outside it.
 */
import { Effect } from "effect"
import { scopedCustomerIds } from "../auth/permissions.ts"
import { Conflict, Forbidden, validationFailed } from "../errors.ts"
import { newPublicId } from "../model/common.ts"
import {
  BillingEntity,
  Customer,
  Gateway,
  type PaymentPreset,
  PaymentPreset as PresetSchema
} from "../model/records.ts"
import { now } from "./clock.ts"
import type { LedgerShape } from "./ledger.ts"
import type * as C from "./ledger-commands.ts"
import type { LedgerKit } from "./ledger-kit.ts"

type PartyOperations = Pick<
  LedgerShape,
  | "createBillingEntity"
  | "getBillingEntity"
  | "listBillingEntities"
  | "createCustomer"
  | "updateCustomer"
  | "getCustomer"
  | "listCustomers"
  | "createGateway"
  | "getGateway"
  | "listGateways"
  | "createPreset"
  | "updatePreset"
  | "listPresets"
>

export const makePartyOperations = (kit: LedgerKit): PartyOperations => {
  const { store } = kit

  const billingEntity = (id: number) => Effect.flatMap(store.billingEntities.get(id), kit.found("billing-entity", id))
  const gatewayFor = (id: number) => Effect.flatMap(store.gateways.get(id), kit.found("gateway", id))

  const duplicate = (message: string) => new Conflict({ reason: "duplicate", message })

  return {
    createBillingEntity: Effect.fn("Ledger.createBillingEntity")(function* (input: C.CreateBillingEntityInput) {
      return yield* kit.mutation(
        "createBillingEntity",
        input,
        BillingEntity,
        Effect.gen(function* () {
          const entity = yield* store.billingEntities.insert({
            publicId: newPublicId(),
            name: input.name,
            email: input.email ?? null,
            flow: input.flow ?? "invoice",
            defaultCurrency: input.defaultCurrency ?? "EUR",
            createdAt: yield* now
          })
          yield* kit.recordEvent({
            type: "billing-entity.created",
            entity: "billing-entity",
            entityId: entity.id,
            data: { name: entity.name, flow: entity.flow, defaultCurrency: entity.defaultCurrency }
          })
          return entity
        })
      )
    }),

    getBillingEntity: Effect.fn("Ledger.getBillingEntity")(function* (id: number) {
      return yield* kit.query("getBillingEntity", billingEntity(id))
    }),

    listBillingEntities: Effect.fn("Ledger.listBillingEntities")(function* (input: C.PageInput) {
      return yield* kit.query("listBillingEntities", store.billingEntities.list(kit.paging(input)))
    }),

    createCustomer: Effect.fn("Ledger.createCustomer")(function* (input: C.CreateCustomerInput) {
      return yield* kit.mutation(
        "createCustomer",
        input,
        Customer,
        Effect.gen(function* () {
          const principal = yield* kit.principal
          if (principal.customerScope !== null) {
            return yield* new Forbidden({ message: "a principal limited to some customers cannot create customers" })
          }
          const creditLimit =
            input.creditLimit === undefined || input.creditLimit === null
              ? null
              : yield* kit.parseAmount(input.creditLimit, input.currency, ["creditLimit"])
          if (creditLimit !== null && creditLimit < 0n) {
            return yield* validationFailed(["creditLimit"], "credit limit must not be negative")
          }
          const billingEntityId = input.billingEntityId ?? null
          if (billingEntityId !== null) yield* billingEntity(billingEntityId)
          if (input.externalRef && (yield* store.customers.getByExternalRef(input.externalRef)) !== null) {
            return yield* duplicate(
              `a customer imported from ${input.externalRef.system} ${input.externalRef.id} exists`
            )
          }
          let number = input.number
          if (number === undefined) {
            do {
              number = String(yield* store.nextSequence("customer-number"))
            } while ((yield* store.customers.getByNumber(number)) !== null)
          } else if ((yield* store.customers.getByNumber(number)) !== null) {
            return yield* duplicate(`customer number ${number} is taken`)
          }
          const at = yield* now
          const customer = yield* store.customers.insert({
            publicId: newPublicId(),
            number,
            name: input.name,
            email: input.email ?? null,
            currency: input.currency,
            balance: 0n,
            creditLimit,
            billingEntityId,
            externalRef: input.externalRef ?? null,
            customFields: input.customFields ?? {},
            createdAt: at,
            updatedAt: at,
            version: 1
          })
          yield* kit.recordEvent({
            type: "customer.created",
            entity: "customer",
            entityId: customer.id,
            customerId: customer.id,
            data: { number: customer.number, name: customer.name, currency: customer.currency }
          })
          return customer
        })
      )
    }),

    updateCustomer: Effect.fn("Ledger.updateCustomer")(function* (input: C.UpdateCustomerInput) {
      return yield* kit.mutation(
        "updateCustomer",
        input,
        Customer,
        Effect.gen(function* () {
          const customer = yield* kit.lockCustomer(input.customerId)
          const creditLimit =
            input.creditLimit === undefined
              ? customer.creditLimit
              : input.creditLimit === null
                ? null
                : yield* kit.parseAmount(input.creditLimit, customer.currency, ["creditLimit"])
          if (creditLimit !== null && creditLimit < 0n) {
            return yield* validationFailed(["creditLimit"], "credit limit must not be negative")
          }
          if (input.billingEntityId !== undefined && input.billingEntityId !== null) {
            yield* billingEntity(input.billingEntityId)
          }
          const changed = (["name", "email", "creditLimit", "billingEntityId", "customFields"] as const).filter(
            (field) => input[field] !== undefined
          )
          const updated = yield* store.customers.update(
            {
              ...customer,
              name: input.name ?? customer.name,
              email: input.email === undefined ? customer.email : input.email,
              creditLimit,
              billingEntityId: input.billingEntityId === undefined ? customer.billingEntityId : input.billingEntityId,
              customFields: input.customFields ?? customer.customFields,
              updatedAt: yield* now
            },
            customer.version
          )
          yield* kit.recordEvent({
            type: "customer.updated",
            entity: "customer",
            entityId: customer.id,
            customerId: customer.id,
            data: { fields: changed }
          })
          return updated
        })
      )
    }),

    getCustomer: Effect.fn("Ledger.getCustomer")(function* (id: number) {
      return yield* kit.query("getCustomer", kit.visibleCustomer(id))
    }),

    listCustomers: Effect.fn("Ledger.listCustomers")(function* (
      input: C.PageInput & { readonly search?: string | undefined }
    ) {
      return yield* kit.query(
        "listCustomers",
        Effect.flatMap(kit.principal, (principal) =>
          store.customers.list({ ...kit.paging(input), ids: scopedCustomerIds(principal), search: input.search })
        )
      )
    }),

    createGateway: Effect.fn("Ledger.createGateway")(function* (input: C.CreateGatewayInput) {
      return yield* kit.mutation(
        "createGateway",
        input,
        Gateway,
        Effect.gen(function* () {
          if ((yield* store.gateways.getByCode(input.code)) !== null) {
            return yield* duplicate(`gateway code ${input.code} is taken`)
          }
          const gateway = yield* store.gateways.insert({
            publicId: newPublicId(),
            code: input.code,
            name: input.name,
            driver: input.driver ?? "test",
            enabled: input.enabled ?? true,
            createdAt: yield* now
          })
          yield* kit.recordEvent({
            type: "gateway.created",
            entity: "gateway",
            entityId: gateway.id,
            data: { code: gateway.code, driver: gateway.driver, enabled: gateway.enabled }
          })
          return gateway
        })
      )
    }),

    getGateway: Effect.fn("Ledger.getGateway")(function* (id: number) {
      return yield* kit.query("getGateway", gatewayFor(id))
    }),

    listGateways: Effect.fn("Ledger.listGateways")(function* (input: C.PageInput) {
      return yield* kit.query("listGateways", store.gateways.list(kit.paging(input)))
    }),

    createPreset: Effect.fn("Ledger.createPreset")(function* (input: C.CreatePresetInput) {
      return yield* kit.mutation(
        "createPreset",
        input,
        PresetSchema,
        Effect.gen(function* () {
          const gatewayId = input.gatewayId ?? null
          if (gatewayId !== null) {
            if (input.kind !== "method") {
              return yield* validationFailed(["gatewayId"], "only payment methods can be linked to a gateway")
            }
            yield* gatewayFor(gatewayId)
          }
          if ((yield* store.presets.getByCode(input.kind, input.code)) !== null) {
            return yield* duplicate(`${input.kind} code ${input.code} is taken`)
          }
          const preset = yield* store.presets.insert({
            publicId: newPublicId(),
            kind: input.kind,
            code: input.code,
            name: input.name,
            available: input.available ?? true,
            gatewayId,
            createdAt: yield* now
          })
          yield* kit.recordEvent({
            type: "preset.created",
            entity: "preset",
            entityId: preset.id,
            data: { kind: preset.kind, code: preset.code, gatewayId: preset.gatewayId }
          })
          return preset
        })
      )
    }),

    updatePreset: Effect.fn("Ledger.updatePreset")(function* (input: C.UpdatePresetInput) {
      return yield* kit.mutation(
        "updatePreset",
        input,
        PresetSchema,
        Effect.gen(function* () {
          const preset: PaymentPreset = yield* Effect.flatMap(
            store.presets.get(input.presetId),
            kit.found("preset", input.presetId)
          )
          const gatewayId = input.gatewayId === undefined ? preset.gatewayId : input.gatewayId
          if (input.gatewayId !== undefined && input.gatewayId !== null) {
            if (preset.kind !== "method") {
              return yield* validationFailed(["gatewayId"], "only payment methods can be linked to a gateway")
            }
            yield* gatewayFor(input.gatewayId)
          }
          const updated = yield* store.presets.update({
            ...preset,
            name: input.name ?? preset.name,
            available: input.available ?? preset.available,
            gatewayId
          })
          yield* kit.recordEvent({
            type: "preset.updated",
            entity: "preset",
            entityId: preset.id,
            data: {
              fields: (["name", "available", "gatewayId"] as const).filter((field) => input[field] !== undefined)
            }
          })
          return updated
        })
      )
    }),

    listPresets: Effect.fn("Ledger.listPresets")(function* (kind: PaymentPreset["kind"], input: C.PageInput) {
      return yield* kit.query("listPresets", store.presets.list(kind, kit.paging(input)))
    })
  }
}
