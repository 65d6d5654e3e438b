/**
 * The `Parties` service: who the ledger bills and how it is configured — billing entities,
 * customers, payment gateways and payment presets (methods and types). Configuration writes are
 * admin-only; customers are subject to the principal's customer scope. Each method's error union
 * is what it can really fail with. The implementation is `partiesLayer` (`parties.layer.ts`).
 */
import { Context, type Effect } from "effect"
import type { AllClassified } from "../../auth/permissions.ts"
import type { NotFound, ValidationFailed } from "../../errors.ts"
import type { Page } from "../../model/common.ts"
import type { BillingEntityId, CustomerId, GatewayId } from "../../model/ids.ts"
import type { BillingEntity, Customer, Gateway, GatewaySecretSummary, PaymentPreset } from "../../model/records.ts"
import type { OffsetPaging } from "../../ports/ledger-store.ts"
import type { CommandContext } from "../command-context.ts"
import type * as C from "../ledger-commands.ts"
import type { CommandFailure, ReadFailure } from "../shared/ledger-command.ts"

type Method<A, E> = Effect.Effect<A, E, CommandContext>

export interface PartiesShape {
  readonly createBillingEntity: (input: C.CreateBillingEntityInput) => Method<BillingEntity, CommandFailure>
  readonly getBillingEntity: (id: BillingEntityId) => Method<BillingEntity, ReadFailure | NotFound>
  /** With `ids`, only those billing entities (at most a page of them). */
  readonly listBillingEntities: (
    input: C.PageInput & OffsetPaging & { readonly ids?: ReadonlyArray<BillingEntityId> | undefined }
  ) => Method<Page<BillingEntity>, ReadFailure | ValidationFailed>
  readonly createCustomer: (
    input: C.CreateCustomerInput
  ) => Method<Customer, CommandFailure | ValidationFailed | NotFound>
  readonly updateCustomer: (
    input: C.UpdateCustomerInput
  ) => Method<Customer, CommandFailure | ValidationFailed | NotFound>
  readonly getCustomer: (id: CustomerId) => Method<Customer, ReadFailure | NotFound>
  /**
   * Customers by text `search`, or exactly by `publicId` / `number` (unique keys, found by index);
   * `ids`: only these customers (e.g. the customers a page of payments names, read at once).
   */
  readonly listCustomers: (
    input: C.PageInput &
      OffsetPaging & {
        readonly search?: string | undefined
        readonly publicId?: string | undefined
        readonly number?: string | undefined
        readonly ids?: ReadonlyArray<CustomerId> | undefined
      }
  ) => Method<Page<Customer>, ReadFailure | ValidationFailed>
  /** With `settings`, also stores the driver's secrets sealed (as `rotateGatewaySecret`). */
  readonly createGateway: (input: C.CreateGatewayInput) => Method<Gateway, CommandFailure | ValidationFailed>
  /** Renames, enables or disables a gateway; one `gateway.updated` event per change. */
  readonly updateGateway: (input: C.UpdateGatewayInput) => Method<Gateway, CommandFailure | NotFound>
  /**
   * Stores new driver secret(s) for a gateway, sealed at rest (admins); one `gateway.secret-rotated`
   * event without any secret. Answers the summary (last four characters), never a secret.
   */
  readonly rotateGatewaySecret: (
    input: C.RotateGatewaySecretInput
  ) => Method<GatewaySecretSummary, CommandFailure | ValidationFailed | NotFound>
  /** Summaries of every gateway's stored driver settings (no secrets). */
  readonly listGatewaySecrets: () => Method<ReadonlyArray<GatewaySecretSummary>, ReadFailure>
  readonly getGateway: (id: GatewayId) => Method<Gateway, ReadFailure | NotFound>
  readonly listGateways: (input: C.PageInput) => Method<Page<Gateway>, ReadFailure | ValidationFailed>
  readonly createPreset: (
    input: C.CreatePresetInput
  ) => Method<PaymentPreset, CommandFailure | ValidationFailed | NotFound>
  readonly updatePreset: (
    input: C.UpdatePresetInput
  ) => Method<PaymentPreset, CommandFailure | ValidationFailed | NotFound>
  readonly listPresets: (
    kind: PaymentPreset["kind"],
    input: C.PageInput
  ) => Method<Page<PaymentPreset>, ReadFailure | ValidationFailed>
}

// Every method needs an access level in auth/permissions.ts.
true satisfies AllClassified<PartiesShape>

export class Parties extends Context.Service<Parties, PartiesShape>()("@paybridge/core/services/Parties") {}
