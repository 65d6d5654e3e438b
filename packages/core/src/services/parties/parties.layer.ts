/**
 * The implementation of `Parties` on the `LedgerStore` and `IdempotencyStore` ports. Every method
 * is an `Effect.fn("Parties.<method>")`. Configuration writes are admin-only (see
 * `auth/permissions.ts`); customers are subject to the principal's customer scope, and a scoped
 * principal cannot create customers outside it. Preset lists (read by every dialect render,
 * changed rarely) are remembered in this process for `presetCacheTtlMillis` (5 seconds): a preset
 * write through this process empties that cache at once; one through another process shows within
 * the TTL.
 */
import { Clock, Effect, Layer, Redacted } from "effect"
import { scopedCustomerIds } from "../../auth/permissions.ts"
import { Conflict, Forbidden, validationFailed } from "../../errors.ts"
import { newPublicId, type Page } from "../../model/common.ts"
import type { BillingEntityId, CustomerId, GatewayId } from "../../model/ids.ts"
import { BillingEntity, Customer, Gateway, GatewaySecretSummary, PaymentPreset } from "../../model/records.ts"
import type { IdempotencyStore } from "../../ports/idempotency-store.ts"
import { LedgerStore, type OffsetPaging } from "../../ports/ledger-store.ts"
import { now } from "../clock.ts"
import type * as C from "../ledger-commands.ts"
import { parseAmount } from "../shared/exact-amounts.ts"
import { requestHash } from "../shared/idempotency.ts"
import { mutation, paging, query } from "../shared/ledger-command.ts"
import { recordEvent } from "../shared/ledger-events.ts"
import { capturePorts } from "../shared/ledger-ports.ts"
import {
  currentPrincipal,
  existingBillingEntity,
  existingGateway,
  existingPreset,
  lockCustomer,
  visibleCustomer
} from "../shared/record-access.ts"
import { Parties } from "./parties.service.ts"

/** Stands for a secret in the idempotency request hash: a hash of a hash, so the stored hash reveals nothing. */
const secretFingerprint = (secret: string): string => `sha256:${requestHash("gateway-secret", secret)}`

/** How long a page of presets is remembered (a write through another process shows within this time). */
const presetCacheTtlMillis = 5000

const duplicate = (message: string) => new Conflict({ reason: "duplicate", message })

export const partiesLayer: Layer.Layer<Parties, never, LedgerStore | IdempotencyStore> = Layer.effect(
  Parties,
  Effect.gen(function* () {
    const store = yield* LedgerStore
    const ports = yield* capturePorts<LedgerStore | IdempotencyStore>()
    /** `kind|cursor|limit` → a page of presets and until when it is fresh. */
    const presetPages = new Map<string, { readonly page: Page<PaymentPreset>; readonly until: number }>()
    /** Bumped by every preset write: a list read that overlapped a write is not remembered. */
    let presetGeneration = 0
    const forgetPresets = Effect.sync(() => {
      presetGeneration += 1
      presetPages.clear()
    })
    const cachedPresetPage = (kind: PaymentPreset["kind"], input: C.PageInput) =>
      Effect.flatMap(Clock.currentTimeMillis, (nowMillis) => {
        const key = `${kind}|${input.cursor ?? ""}|${input.limit ?? ""}`
        const hit = presetPages.get(key)
        if (hit !== undefined && hit.until > nowMillis) return Effect.succeed(hit.page)
        const generation = presetGeneration
        return Effect.tap(store.presets.list(kind, paging(input)), (page) =>
          Effect.sync(() => {
            if (generation === presetGeneration && presetPages.size < 1000) {
              presetPages.set(key, { page, until: nowMillis + presetCacheTtlMillis })
            }
          })
        )
      })
    return Parties.of({
      createBillingEntity: Effect.fn("Parties.createBillingEntity")(function* (input: C.CreateBillingEntityInput) {
        return yield* mutation(
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
            yield* recordEvent({
              type: "billing-entity.created",
              entity: "billing-entity",
              entityId: entity.id,
              data: { name: entity.name, flow: entity.flow, defaultCurrency: entity.defaultCurrency }
            })
            return entity
          })
        )
      }, ports),

      getBillingEntity: Effect.fn("Parties.getBillingEntity")(function* (id: BillingEntityId) {
        return yield* query("getBillingEntity", existingBillingEntity(id))
      }, ports),

      listBillingEntities: Effect.fn("Parties.listBillingEntities")(function* (
        input: C.PageInput & OffsetPaging & { readonly ids?: ReadonlyArray<BillingEntityId> | undefined }
      ) {
        return yield* query(
          "listBillingEntities",
          store.billingEntities.list({
            ...paging(input),
            offset: input.offset,
            withTotal: input.withTotal,
            ids: input.ids
          })
        )
      }, ports),

      createCustomer: Effect.fn("Parties.createCustomer")(function* (input: C.CreateCustomerInput) {
        return yield* mutation(
          "createCustomer",
          input,
          Customer,
          Effect.gen(function* () {
            const principal = yield* currentPrincipal
            if (principal.customerScope !== null) {
              return yield* new Forbidden({ message: "a principal limited to some customers cannot create customers" })
            }
            const creditLimit =
              input.creditLimit === undefined || input.creditLimit === null
                ? null
                : yield* parseAmount(input.creditLimit, input.currency, ["creditLimit"])
            if (creditLimit !== null && creditLimit < 0n) {
              return yield* validationFailed(["creditLimit"], "credit limit must not be negative")
            }
            const billingEntityId = input.billingEntityId ?? null
            if (billingEntityId !== null) yield* existingBillingEntity(billingEntityId)
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
            yield* recordEvent({
              type: "customer.created",
              entity: "customer",
              entityId: customer.id,
              customerId: customer.id,
              data: { number: customer.number, name: customer.name, currency: customer.currency }
            })
            return customer
          })
        )
      }, ports),

      updateCustomer: Effect.fn("Parties.updateCustomer")(function* (input: C.UpdateCustomerInput) {
        return yield* mutation(
          "updateCustomer",
          input,
          Customer,
          Effect.gen(function* () {
            const customer = yield* lockCustomer(input.customerId)
            const creditLimit =
              input.creditLimit === undefined
                ? customer.creditLimit
                : input.creditLimit === null
                  ? null
                  : yield* parseAmount(input.creditLimit, customer.currency, ["creditLimit"])
            if (creditLimit !== null && creditLimit < 0n) {
              return yield* validationFailed(["creditLimit"], "credit limit must not be negative")
            }
            if (input.billingEntityId !== undefined && input.billingEntityId !== null) {
              yield* existingBillingEntity(input.billingEntityId)
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
            yield* recordEvent({
              type: "customer.updated",
              entity: "customer",
              entityId: customer.id,
              customerId: customer.id,
              data: { fields: changed }
            })
            return updated
          })
        )
      }, ports),

      getCustomer: Effect.fn("Parties.getCustomer")(function* (id: CustomerId) {
        return yield* query("getCustomer", visibleCustomer(id))
      }, ports),

      listCustomers: Effect.fn("Parties.listCustomers")(function* (
        input: C.PageInput &
          OffsetPaging & {
            readonly search?: string | undefined
            readonly publicId?: string | undefined
            readonly number?: string | undefined
            readonly ids?: ReadonlyArray<CustomerId> | undefined
          }
      ) {
        return yield* query(
          "listCustomers",
          Effect.flatMap(currentPrincipal, (principal) => {
            const scope = scopedCustomerIds(principal)
            const wanted = input.ids
            const ids =
              wanted === undefined ? scope : scope === undefined ? wanted : wanted.filter((id) => scope.includes(id))
            return store.customers.list({
              ...paging(input),
              offset: input.offset,
              withTotal: input.withTotal,
              ids,
              search: input.search,
              publicId: input.publicId,
              number: input.number
            })
          })
        )
      }, ports),

      createGateway: Effect.fn("Parties.createGateway")(function* (input: C.CreateGatewayInput) {
        return yield* mutation(
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
            const settings = input.settings
            const stored =
              settings === undefined
                ? null
                : yield* store.gatewaySettings.save({
                    gatewayId: gateway.id,
                    driver: settings.driver,
                    secretKey: Redacted.make(settings.secretKey),
                    webhookSecret: Redacted.make(settings.webhookSecret),
                    apiBase: settings.apiBase ?? null,
                    setAt: yield* now,
                    setBy: (yield* currentPrincipal).name
                  })
            yield* recordEvent({
              type: "gateway.created",
              entity: "gateway",
              entityId: gateway.id,
              data: {
                code: gateway.code,
                driver: gateway.driver,
                enabled: gateway.enabled,
                ...(stored === null ? {} : { driverSettings: stored.driver, settingsVersion: stored.version })
              }
            })
            return gateway
          })
        )
      }, ports),

      updateGateway: Effect.fn("Parties.updateGateway")(function* (input: C.UpdateGatewayInput) {
        return yield* mutation(
          "updateGateway",
          input,
          Gateway,
          Effect.gen(function* () {
            const current = yield* existingGateway(input.id)
            const changes = {
              ...(input.name === undefined || input.name === current.name ? {} : { name: input.name }),
              ...(input.enabled === undefined || input.enabled === current.enabled ? {} : { enabled: input.enabled })
            }
            if (Object.keys(changes).length === 0) return current
            const updated = yield* store.gateways.update({ ...current, ...changes })
            yield* recordEvent({
              type: "gateway.updated",
              entity: "gateway",
              entityId: updated.id,
              data: { code: updated.code, ...changes }
            })
            return updated
          })
        )
      }, ports),

      rotateGatewaySecret: Effect.fn("Parties.rotateGatewaySecret")(function* (input: C.RotateGatewaySecretInput) {
        // The idempotency request hash sees which secrets change, never their text.
        const fingerprint = {
          id: input.id,
          driver: input.driver,
          apiBase: input.apiBase,
          secretKey: input.secretKey === undefined ? undefined : secretFingerprint(input.secretKey),
          webhookSecret: input.webhookSecret === undefined ? undefined : secretFingerprint(input.webhookSecret)
        }
        return yield* mutation(
          "rotateGatewaySecret",
          fingerprint,
          GatewaySecretSummary,
          Effect.gen(function* () {
            const gateway = yield* existingGateway(input.id)
            if (input.secretKey === undefined && input.webhookSecret === undefined && input.apiBase === undefined) {
              return yield* validationFailed(["secretKey"], "give a new secret key, webhook secret or API base")
            }
            const current = yield* store.gatewaySettings.get(gateway.id)
            const driver = input.driver ?? current?.driver
            if (driver === undefined) {
              return yield* validationFailed(["driver"], "the gateway has no driver settings yet: name the driver")
            }
            if (current !== null && current.driver !== driver) {
              return yield* validationFailed(["driver"], `the gateway's driver is ${current.driver}`)
            }
            const summary = yield* store.gatewaySettings.save({
              gatewayId: gateway.id,
              driver,
              secretKey: input.secretKey === undefined ? null : Redacted.make(input.secretKey),
              webhookSecret: input.webhookSecret === undefined ? null : Redacted.make(input.webhookSecret),
              apiBase: input.apiBase,
              setAt: yield* now,
              setBy: (yield* currentPrincipal).name
            })
            yield* recordEvent({
              type: "gateway.secret-rotated",
              entity: "gateway",
              entityId: gateway.id,
              data: {
                code: gateway.code,
                driver,
                replaced: [
                  ...(input.secretKey === undefined ? [] : ["secretKey"]),
                  ...(input.webhookSecret === undefined ? [] : ["webhookSecret"]),
                  ...(input.apiBase === undefined ? [] : ["apiBase"])
                ],
                settingsVersion: summary.version
              }
            })
            return summary
          })
        )
      }, ports),

      listGatewaySecrets: Effect.fn("Parties.listGatewaySecrets")(function* () {
        return yield* query("listGatewaySecrets", store.gatewaySettings.list())
      }, ports),

      getGateway: Effect.fn("Parties.getGateway")(function* (id: GatewayId) {
        return yield* query("getGateway", existingGateway(id))
      }, ports),

      listGateways: Effect.fn("Parties.listGateways")(function* (input: C.PageInput) {
        return yield* query("listGateways", store.gateways.list(paging(input)))
      }, ports),

      createPreset: Effect.fn("Parties.createPreset")(function* (input: C.CreatePresetInput) {
        return yield* Effect.ensuring(forgetPresets)(
          mutation(
            "createPreset",
            input,
            PaymentPreset,
            Effect.gen(function* () {
              const gatewayId = input.gatewayId ?? null
              if (gatewayId !== null) {
                if (input.kind !== "method") {
                  return yield* validationFailed(["gatewayId"], "only payment methods can be linked to a gateway")
                }
                yield* existingGateway(gatewayId)
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
              yield* recordEvent({
                type: "preset.created",
                entity: "preset",
                entityId: preset.id,
                data: { kind: preset.kind, code: preset.code, gatewayId: preset.gatewayId }
              })
              return preset
            })
          )
        )
      }, ports),

      updatePreset: Effect.fn("Parties.updatePreset")(function* (input: C.UpdatePresetInput) {
        return yield* Effect.ensuring(forgetPresets)(
          mutation(
            "updatePreset",
            input,
            PaymentPreset,
            Effect.gen(function* () {
              const preset = yield* existingPreset(input.presetId)
              const gatewayId = input.gatewayId === undefined ? preset.gatewayId : input.gatewayId
              if (input.gatewayId !== undefined && input.gatewayId !== null) {
                if (preset.kind !== "method") {
                  return yield* validationFailed(["gatewayId"], "only payment methods can be linked to a gateway")
                }
                yield* existingGateway(input.gatewayId)
              }
              const updated = yield* store.presets.update({
                ...preset,
                name: input.name ?? preset.name,
                available: input.available ?? preset.available,
                gatewayId
              })
              yield* recordEvent({
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
        )
      }, ports),

      listPresets: Effect.fn("Parties.listPresets")(function* (kind: PaymentPreset["kind"], input: C.PageInput) {
        return yield* query("listPresets", cachedPresetPage(kind, input))
      }, ports)
    })
  })
)
