/**
 * The ports a service layer captures when it is built and gives to each of its methods. The shared
 * command modules (`record-access.ts`, `balance-movements.ts`, …) take the ports they use
 * (`LedgerStore`, `IdempotencyStore`, `PaymentGateways`) from their context, so their types say
 * what they touch; a service method provides the captured ports (`Effect.fn(name)(body, ports)`)
 * and needs only the request's `CommandContext`. Only the ports are provided, each added to the
 * caller's context (issue 14: providing the layer's whole build context merged it into a copy of
 * the caller's on every call: 12 % of a profiled `Payments.getPayment`).
 */
import { Context, Effect, Option } from "effect"
import { IdempotencyStore } from "../../ports/idempotency-store.ts"
import { LedgerStore } from "../../ports/ledger-store.ts"
import { PaymentGateways } from "../../ports/payment-gateway.ts"

type Port = LedgerStore | IdempotencyStore | PaymentGateways

/** Adds one captured service to a context. */
type AddPort = (current: Context.Context<never>) => Context.Context<never>

/** `service` added to a context, when `context` holds it. */
const captured = <I, S>(context: Context.Context<Port>, service: Context.Key<I, S>): ReadonlyArray<AddPort> => {
  const value = Context.getOption(context as unknown as Context.Context<I>, service)
  return Option.isSome(value) ? [(current) => Context.add(current, service, value.value) as Context.Context<never>] : []
}

/** Captures the services `Ports` from the layer's context; the result provides them to an effect. */
export const capturePorts = <Ports extends Port>() =>
  Effect.map(Effect.context<Ports>(), (context) => {
    const ports = context as Context.Context<Port>
    const adds = [
      ...captured(ports, LedgerStore),
      ...captured(ports, IdempotencyStore),
      ...captured(ports, PaymentGateways)
    ]
    return <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, Exclude<R, Ports>> =>
      Effect.updateContext(effect, (current: Context.Context<Exclude<R, Ports>>) => {
        let next = current as Context.Context<never>
        for (const add of adds) next = add(next)
        return next as Context.Context<R>
      })
  })
