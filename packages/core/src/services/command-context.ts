/**
 * The context every ledger command runs in: the acting principal, the protocol it came through,
 * the request id (for logs and the event log) and the optional idempotency key. Protocol edges
 * (tRPC, each dialect, the CLI) provide it per request; the ledger records it on every event.
 */
import { Context, Layer } from "effect"
import { type Origin, type Principal, systemPrincipal } from "../model/common.ts"

export interface CommandContextShape {
  readonly principal: Principal
  readonly origin: Origin
  readonly requestId: string | null
  readonly idempotencyKey: string | null
}

export class CommandContext extends Context.Service<CommandContext, CommandContextShape>()(
  "@paybridge/core/services/CommandContext"
) {
  static readonly layer = (shape: CommandContextShape) => Layer.succeed(CommandContext, CommandContext.of(shape))
  /** For seeds, migrations and tests: the system principal, no idempotency key. */
  static readonly system = (origin: Origin = "system") =>
    CommandContext.layer({ principal: systemPrincipal, origin, requestId: null, idempotencyKey: null })
}
