/**
 * The gateway reconciler: settles the attempts the boundary (`gateway-attempts.ts`) left pending — a
 * crash between booking and the call, a timeout, an answer never recorded — by asking each gateway for
 * the attempt's key and recording the outcome, or re-sending an attempt the gateway never saw with the
 * same key (so nothing is charged twice and no charge is left unbooked). It backs off exponentially
 * per attempt (`nextTryAt`, counted in `tries`), gives an attempt the gateway never answers up to
 * `needs-attention` after `maxTries`, and runs once per cluster: a pass holds the `gateway-reconciler`
 * lease (a row every process shares), and a process that cannot take it skips the pass.
 */
import { Effect } from "effect"
import type { GatewayAttemptId } from "../../model/ids.ts"
import { LedgerStore } from "../../ports/ledger-store.ts"
import { PaymentGateways } from "../../ports/payment-gateway.ts"
import { now } from "../clock.ts"
import { attemptEvent, recordOutcome, sendAttempt } from "./gateway-attempts.ts"

/** What one reconciler pass did. */
export interface ReconcileReport {
  readonly examined: number
  readonly settled: number
  readonly stillPending: number
  /** Attempts given up to `needs-attention` in this pass. */
  readonly needsAttention: number
  /** Another process held the reconciler's lease: this pass did nothing. */
  readonly leaseHeldElsewhere: boolean
}

export interface ReconcileOptions {
  /** Attempts touched more recently are left alone (a call may be in flight). */
  readonly minimumAgeMs: number
  readonly limit: number
  /** Who runs the pass (the lease's holder); a new id per pass when absent. */
  readonly holder?: string | undefined
  /** Unanswered tries after which an attempt needs attention (default 12). */
  readonly maxTries?: number | undefined
  /** First back-off (default 30 s), doubled per unanswered try up to `backoffMaxMs` (default 1 h). */
  readonly backoffBaseMs?: number | undefined
  readonly backoffMaxMs?: number | undefined
  /** How long a pass holds the cluster lease without renewing it (default 120 s; renewed per attempt). */
  readonly leaseMs?: number | undefined
}

interface ReconcileSettings {
  readonly minimumAgeMs: number
  readonly limit: number
  readonly holder: string
  readonly maxTries: number
  readonly backoffBaseMs: number
  readonly backoffMaxMs: number
  readonly leaseMs: number
}

/**
 * The name of the reconciler's lease and how long a pass holds it without renewing, by default. A
 * process killed mid-pass keeps the others out until it expires; correctness never depends on it
 * (each attempt is settled under its customer's lock and re-sent only with its own key).
 */
export const reconcilerLease = { name: "gateway-reconciler", ttlMs: 120_000 } as const

/** The wait before the next try after `tries` unanswered ones: base · 2^(tries-1), at most `max`. */
export const backoffDelayMs = (tries: number, baseMs: number, maxMs: number): number =>
  Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(30, tries - 1)))

/**
 * After a try that left the attempt open without the gateway's decision: counts it and sets when to
 * try next, or gives it up to `needs-attention` (an event says so) once `maxTries` is reached. A
 * `pending` answer from the gateway (it holds the charge, e.g. a bank debit still processing) only
 * backs off: the gateway decides it later.
 */
const backOff = (id: GatewayAttemptId, answered: boolean, options: ReconcileSettings) =>
  Effect.gen(function* () {
    const store = yield* LedgerStore
    return yield* store.transaction(
      Effect.gen(function* () {
        const first = yield* store.gatewayAttempts.get(id)
        if (first === null || first.state !== "pending") return false
        yield* store.lockCustomer(first.customerId)
        const attempt = yield* store.gatewayAttempts.get(id)
        if (attempt === null || attempt.state !== "pending") return false
        const at = yield* now
        const tries = attempt.tries + 1
        if (!answered && tries >= options.maxTries) {
          const given = yield* store.gatewayAttempts.update({
            ...attempt,
            state: "needs-attention",
            tries,
            nextTryAt: null,
            message: `the gateway gave no answer after ${tries} tries${attempt.message === null ? "" : ` (last: ${attempt.message})`}`,
            updatedAt: at
          })
          yield* attemptEvent("gateway.attempt-needs-attention", given)
          return true
        }
        const delay = backoffDelayMs(tries, options.backoffBaseMs, options.backoffMaxMs)
        yield* store.gatewayAttempts.update({
          ...attempt,
          tries,
          nextTryAt: new Date(at.getTime() + delay),
          updatedAt: at
        })
        return false
      })
    )
  })

/**
 * Settles attempts still pending and due (older than `minimumAgeMs`, past their `nextTryAt`): each
 * is looked up at its gateway by key; an answer is recorded, an attempt the gateway never saw is
 * sent again with the same key, and one still without a decision backs off (or needs attention).
 * Only the holder of the reconciler's lease runs a pass; the lease is renewed before each attempt,
 * so a pass longer than the lease's time stops rather than overlap another process's.
 */
export const reconcileAttempts = (input: ReconcileOptions) =>
  Effect.gen(function* () {
    const options: ReconcileSettings = {
      minimumAgeMs: input.minimumAgeMs,
      limit: input.limit,
      holder: input.holder ?? `reconciler-${crypto.randomUUID()}`,
      maxTries: input.maxTries ?? 12,
      backoffBaseMs: input.backoffBaseMs ?? 30_000,
      backoffMaxMs: input.backoffMaxMs ?? 3_600_000,
      leaseMs: input.leaseMs ?? reconcilerLease.ttlMs
    }
    const store = yield* LedgerStore
    const empty = { examined: 0, settled: 0, stillPending: 0, needsAttention: 0 }
    if (!(yield* holdLease(options))) return { ...empty, leaseHeldElsewhere: true } satisfies ReconcileReport
    return yield* settleDue(options).pipe(
      Effect.ensuring(Effect.ignore(store.leases.release(reconcilerLease.name, options.holder)))
    )
  }).pipe(Effect.withSpan("GatewayAttempts.reconcile"))

/** Takes or renews the reconciler's lease for `options.holder`. */
const holdLease = (options: ReconcileSettings) =>
  Effect.gen(function* () {
    const store = yield* LedgerStore
    const at = yield* now
    return yield* store.leases.acquire(
      reconcilerLease.name,
      options.holder,
      at,
      new Date(at.getTime() + options.leaseMs)
    )
  })

/** One pass over the due attempts, the lease held (and renewed before each attempt). */
const settleDue = (options: ReconcileSettings) =>
  Effect.gen(function* () {
    const store = yield* LedgerStore
    const gateways = yield* PaymentGateways
    const at = yield* now
    const due = yield* store.gatewayAttempts.listDue(at, options.limit)
    let settled = 0
    let examined = 0
    let needsAttention = 0
    for (const attempt of due) {
      if (at.getTime() - attempt.updatedAt.getTime() < options.minimumAgeMs) continue
      if (!(yield* holdLease(options))) break
      examined += 1
      const gateway = yield* store.gateways.get(attempt.gatewayId)
      if (gateway === null || gateways.refusal(gateway) !== null) continue
      const found = yield* gateways.lookup({
        gateway,
        attemptKey: attempt.attemptKey,
        kind: attempt.kind,
        chargeReference: attempt.chargeReference
      })
      if (found.status === "not-found") yield* sendAttempt(attempt.id)
      else yield* recordOutcome(attempt.id, found)
      const after = yield* store.gatewayAttempts.get(attempt.id)
      if (after !== null && after.state !== "pending") {
        settled += 1
        continue
      }
      const answered = found.status === "pending"
      if (yield* backOff(attempt.id, answered, options).pipe(Effect.orElseSucceed(() => false))) needsAttention += 1
    }
    return {
      examined,
      settled,
      stillPending: examined - settled - needsAttention,
      needsAttention,
      leaseHeldElsewhere: false
    } satisfies ReconcileReport
  })
