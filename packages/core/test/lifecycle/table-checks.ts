/**
 * Shared checks for the lifecycle tests: given an expected transition table written out by hand
 * in a test and the implementation's `next…State` function, compare every (state, action) pair,
 * confirm final states accept nothing, and walk random action sequences to show the
 * implementation only ever visits states the expected table can reach.
 */
import { Result } from "effect"
import * as fc from "fast-check"
import { expect, it } from "vitest"

export type ExpectedTable<S extends string, A extends string> = { readonly [K in S]: Partial<Record<A, S>> }

export interface LifecycleUnderTest<S extends string, A extends string> {
  readonly entity: string
  readonly states: ReadonlyArray<S>
  readonly actions: ReadonlyArray<A>
  readonly initial: S
  readonly expected: ExpectedTable<S, A>
  readonly next: (from: S, action: A) => Result.Result<S, unknown>
  /** The refusal message the implementation gives, e.g. `cannot post a rejected payment`. */
  readonly refusal: (from: S, action: A) => string
}

/** States reachable from `initial` by following the expected table. */
export const reachableStates = <S extends string, A extends string>(
  lifecycle: LifecycleUnderTest<S, A>
): ReadonlySet<S> => {
  const seen = new Set<S>([lifecycle.initial])
  const queue: Array<S> = [lifecycle.initial]
  for (let state = queue.shift(); state !== undefined; state = queue.shift()) {
    for (const target of Object.values(lifecycle.expected[state]) as Array<S>) {
      if (!seen.has(target)) {
        seen.add(target)
        queue.push(target)
      }
    }
  }
  return seen
}

const refusalMessage = (result: Result.Result<unknown, unknown>): string | null => {
  if (Result.isSuccess(result)) return null
  const failure = result.failure
  if (typeof failure === "string") return failure
  if (typeof failure === "object" && failure !== null && "message" in failure) return String(failure.message)
  return String(failure)
}

/** Registers the table tests for one lifecycle (call inside a `describe`). */
export const checkLifecycle = <S extends string, A extends string>(lifecycle: LifecycleUnderTest<S, A>): void => {
  const pairs = lifecycle.states.flatMap((state) => lifecycle.actions.map((action) => [state, action] as const))

  it.each(pairs)(`%s ─%s─▶ as in the expected ${lifecycle.entity} table`, (state, action) => {
    const expectedTarget = lifecycle.expected[state][action]
    const result = lifecycle.next(state, action)
    if (expectedTarget === undefined) {
      expect(Result.isFailure(result), `${action} from ${state} must be refused`).toBe(true)
      expect(refusalMessage(result)).toBe(lifecycle.refusal(state, action))
    } else {
      expect(result).toEqual(Result.succeed(expectedTarget))
    }
  })

  const finalStates = lifecycle.states.filter((state) => Object.keys(lifecycle.expected[state]).length === 0)

  it(`final ${lifecycle.entity} states (${finalStates.join(", ")}) accept no action at all`, () => {
    expect(finalStates.length).toBeGreaterThan(0)
    for (const state of finalStates) {
      for (const action of lifecycle.actions) expect(Result.isFailure(lifecycle.next(state, action))).toBe(true)
    }
  })

  it(`random ${lifecycle.entity} action sequences from ${lifecycle.initial} only visit reachable states`, () => {
    const reachable = reachableStates(lifecycle)
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...lifecycle.actions), { maxLength: 40 }), (actions) => {
        let state = lifecycle.initial
        for (const action of actions) {
          const result = lifecycle.next(state, action)
          const expectedTarget = lifecycle.expected[state][action]
          if (Result.isSuccess(result)) {
            expect(result.success).toBe(expectedTarget)
            state = result.success
          } else {
            expect(expectedTarget).toBeUndefined()
          }
          expect(reachable.has(state), `${state} is not reachable from ${lifecycle.initial}`).toBe(true)
        }
      }),
      { numRuns: 2000 }
    )
  })
}
