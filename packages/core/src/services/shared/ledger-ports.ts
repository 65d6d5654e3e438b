/**
 * The ports a service layer captures when it is built and gives to each of its methods. The shared
 * command modules (`record-access.ts`, `balance-movements.ts`, …) take the ports they use
 * (`LedgerStore`, `IdempotencyStore`, `PaymentGateways`) from their context, so their types say
 * what they touch; a service method provides the captured ports (`Effect.fn(name)(body, ports)`)
 * and needs only the request's `CommandContext`.
 */
import { type Context, Effect } from "effect"

/** Captures the services `Ports` from the layer's context; the result provides them to an effect. */
export const capturePorts = <Ports>() =>
  Effect.map(
    Effect.context<Ports>(),
    (ports: Context.Context<Ports>) =>
      <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, Exclude<R, Ports>> =>
        Effect.provideContext(effect, ports)
  )
