/**
 * The shared contract suite every dialect runs (Hyperswitch's shared connector specs, driven by
 * a small per-dialect expectations table). Given a dialect, a testbed factory and the table —
 * how to authenticate, a valid and an invalid create request, how to count payments — it
 * registers Vitest tests asserting that: every registered route refuses a request without
 * credentials (in the vendor's error shape, with the status the dialect declares); every
 * documented-but-unimplemented endpoint answers `NotImplemented` in that shape; unknown routes
 * and malformed JSON are answered in that shape too; a rejected create changes nothing (event
 * and payment counts unchanged); a valid create answers with a body matching its declared wire
 * schema; a create retried with the same idempotency key returns the same result and
 * creates exactly one payment; a body over the size limit is answered `PayloadTooLarge`, an
 * overlong query `ValidationFailed` and a throttled client `TooManyRequests` with `Retry-After`,
 * each in the vendor's shape and changing nothing; every error kind the table renders matches the
 * error schema; and `docs/compatibility.md` shows the registry as it is.
 */
import { readFile } from "node:fs/promises"
import {
  Conflict,
  Forbidden,
  InvalidTransition,
  NotFound,
  NotImplemented,
  Overloaded,
  StorageUnavailable,
  Unauthorized,
  ValidationFailed
} from "@paybridge/core"
import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import type { AuthThrottle } from "../auth/throttle.ts"
import { compatibilityDocumentPath, compatibilitySection } from "../compatibility.ts"
import type { Dialect } from "../dialect.ts"
import { type Endpoint, fillPath } from "../endpoint-registry.ts"
import {
  type DialectError,
  type DialectErrorTag,
  dialectErrorTags,
  InternalError,
  internalErrorMessage,
  payloadTooLarge,
  renderDialectError,
  tooManyRequests
} from "../errors.ts"
import {
  type DialectTestbed,
  makeDialectTestbed,
  type TestbedOptions,
  type TestRequest,
  type TestResponse
} from "./testbed.ts"

/** The per-dialect table the suite is driven by. */
export interface ContractExpectations<Seed> {
  /** Prepares one test's ledger and credentials (an API key, a customer…); runs in every test. */
  readonly seed: (testbed: DialectTestbed) => Promise<Seed>
  /** Adds valid credentials to a request (header, query or body, as the vendor does it). */
  readonly authorize: (request: TestRequest, seed: Seed) => TestRequest
  /** Adds credentials of the right style that are wrong; refused like missing ones. */
  readonly authorizeWrongly?: ((request: TestRequest, seed: Seed) => TestRequest) | undefined
  /** Path parameter values used when probing every route (default `"1"` for each). */
  readonly pathParams?: Readonly<Record<string, string>> | undefined
  readonly create: {
    /** The implemented endpoint that creates one payment. */
    readonly operationId: string
    /** A request that creates a payment (without credentials; `authorize` adds them). */
    readonly valid: (seed: Seed) => TestRequest
    /** Another valid request with a different body (used to check idempotency-key reuse). */
    readonly variant?: ((seed: Seed) => TestRequest) | undefined
    /** A request with bad input. */
    readonly invalid: (seed: Seed) => TestRequest
    /** The error tag the invalid request is rejected with; default `ValidationFailed`. */
    readonly invalidRejectedAs?: DialectErrorTag | undefined
    /**
     * Puts an idempotency key on a request; default: the `Idempotency-Key` header. `null` when
     * the dialect cannot carry a key (the idempotency tests are then not registered).
     */
    readonly withIdempotencyKey?: ((request: TestRequest, key: string) => TestRequest) | null | undefined
  }
  /** How many payments exist; default: every payment in the ledger. */
  readonly countPayments?: ((testbed: DialectTestbed, seed: Seed) => Promise<number>) | undefined
}

/**
 * Titles of the suite's fixed tests, for endpoint registries that name them as proving tests:
 * `<file> › <dialect title>: dialect contract › <title>`.
 */
export const contractTestTitles = {
  unknownRoute:
    "answers an unknown route under the base path with NotFound in the vendor's shape, echoing X-Request-Id",
  invalidCreate: "rejects a create with bad input in the vendor's error shape and changes nothing",
  malformedCreate: "rejects a create with malformed JSON in the vendor's error shape and changes nothing",
  validCreate: "creates exactly one payment and answers with a body matching the declared response schema",
  idempotentRetry: "returns the same result for a create retried with the same idempotency key and creates one payment",
  idempotencyKeyReused: "refuses an idempotency key reused for a different create with Conflict in the vendor's shape",
  compatibilityTable: "is listed in docs/compatibility.md exactly as its registry declares it",
  deviations: "declares its deliberate differences from the vendor, each with what differs and why",
  payloadTooLarge: "answers a body over the size limit with PayloadTooLarge in the vendor's shape and changes nothing",
  longQuery: "refuses a query string over the limit with ValidationFailed in the vendor's shape and changes nothing",
  throttled:
    "answers a throttled client with TooManyRequests and Retry-After in the vendor's shape and changes nothing",
  everyErrorKind: "renders every error kind in the vendor's error shape, with Retry-After where it says when to retry"
} as const

/** One example of every error kind a table renders. */
const sampleErrors: { readonly [Tag in DialectErrorTag]: Extract<DialectError, { readonly _tag: Tag }> } = {
  NotFound: new NotFound({ entity: "payment", id: "7", message: "payment 7 does not exist" }),
  ValidationFailed: new ValidationFailed({
    message: "amount: must be positive",
    issues: [{ path: ["amount"], message: "must be positive" }]
  }),
  InvalidTransition: new InvalidTransition({
    entity: "payment",
    id: "7",
    from: "posted",
    action: "delete",
    message: "a posted payment cannot be deleted"
  }),
  Conflict: new Conflict({ reason: "duplicate", message: "a payment with this reference exists" }),
  Unauthorized: new Unauthorized({ message: "invalid or revoked API key" }),
  Forbidden: new Forbidden({ message: "role read-only may not create payments" }),
  NotImplemented: new NotImplemented({ operation: "contract", message: "contract is not implemented" }),
  StorageUnavailable: new StorageUnavailable({ message: "database unreachable" }),
  Overloaded: new Overloaded({ message: "too many credential checks in progress", retryAfterSeconds: 2 }),
  PayloadTooLarge: payloadTooLarge(1024),
  TooManyRequests: tooManyRequests(7),
  Internal: new InternalError({ message: internalErrorMessage })
}

/** A throttle that refuses every credential check (logins pass, so seeds can sign in) for 7 seconds. */
const refusingThrottle: AuthThrottle = {
  admitLogin: () => null,
  admitCheck: () => 7,
  recordFailure: () => undefined
}

/** Options of {@link dialectContractSuite}. */
export interface ContractSuiteOptions<Seed> {
  readonly dialect: Dialect
  /**
   * Builds a fresh testbed per test, with the dialect deps a test asks for (limits, a throttle);
   * default `makeDialectTestbed({ dialect, deps })` (real store, SQLite in memory).
   */
  readonly testbed?: ((deps?: TestbedOptions["deps"]) => Promise<DialectTestbed>) | undefined
  readonly expectations: ContractExpectations<Seed>
  /**
   * Check that `docs/compatibility.md` shows this dialect's registry as it is and that the dialect
   * declares its deliberate differences from the vendor (default `true`; only example dialects that
   * are not published there turn it off).
   */
  readonly checkCompatibilityTable?: boolean | undefined
}

const withHeader = (request: TestRequest, name: string, value: string): TestRequest => ({
  ...request,
  headers: { ...request.headers, [name]: value }
})

const hasBody = (method: string) => method === "POST" || method === "PUT" || method === "PATCH"

/** Registers the contract tests of `dialect` in the current Vitest file. */
export const dialectContractSuite = <Seed>(options: ContractSuiteOptions<Seed>): void => {
  const { dialect, expectations } = options
  const makeTestbed = options.testbed ?? ((deps?: TestbedOptions["deps"]) => makeDialectTestbed({ dialect, deps }))
  const table = dialect.renderError
  const createRoute = dialect.endpoints.find((route) => route.operationId === expectations.create.operationId)
  if (createRoute === undefined || !createRoute.implemented) {
    throw new Error(
      `${dialect.id}: the create operation ${expectations.create.operationId} must be an implemented endpoint`
    )
  }
  const countPayments = expectations.countPayments ?? ((testbed: DialectTestbed) => testbed.countPayments())
  const withKey =
    expectations.create.withIdempotencyKey === undefined
      ? (request: TestRequest, key: string) => withHeader(request, "Idempotency-Key", key)
      : expectations.create.withIdempotencyKey

  const run = async (test: (testbed: DialectTestbed, seed: Seed) => Promise<void>, deps?: TestbedOptions["deps"]) => {
    const testbed = await makeTestbed(deps)
    try {
      await test(testbed, await expectations.seed(testbed))
    } finally {
      await testbed.dispose()
    }
  }

  /** Asserts the response is the dialect's rendering of `tag`: its status and a body of the error schema. */
  const expectErrorShape = (response: TestResponse, tag: DialectErrorTag) => {
    expect({ status: response.status, tag }).toEqual({ status: table[tag].status, tag })
    const decoded = Schema.decodeUnknownExit(dialect.errorSchema)(response.json)
    expect(decoded._tag, `error body ${response.text} does not match the dialect's error schema`).toBe("Success")
  }

  const probe = (route: Endpoint): TestRequest => ({
    method: route.method,
    path: fillPath(route.path, expectations.pathParams),
    ...(hasBody(route.method) ? { body: {} } : {})
  })

  const snapshot = async (testbed: DialectTestbed, seed: Seed) => ({
    events: await testbed.countEvents(),
    payments: await countPayments(testbed, seed)
  })

  describe(`${dialect.title}: dialect contract`, () => {
    describe("every registered route refuses a request without credentials", () => {
      for (const route of dialect.endpoints.filter((candidate) => candidate.access === "authenticated")) {
        it(`${route.method} ${route.path} (${route.operationId})`, () =>
          run(async (testbed, seed) => {
            const before = await snapshot(testbed, seed)
            expectErrorShape(await testbed.request(probe(route)), "Unauthorized")
            if (expectations.authorizeWrongly !== undefined) {
              expectErrorShape(await testbed.request(expectations.authorizeWrongly(probe(route), seed)), "Unauthorized")
            }
            expect(await snapshot(testbed, seed)).toEqual(before)
          }))
      }
    })

    const unimplemented = dialect.endpoints.filter((route) => !route.implemented)
    if (unimplemented.length > 0) {
      describe("every documented but unimplemented endpoint answers NotImplemented in the vendor's shape", () => {
        for (const route of unimplemented) {
          it(`${route.method} ${route.path} (${route.operationId})`, () =>
            run(async (testbed, seed) => {
              const request =
                route.access === "authenticated" ? expectations.authorize(probe(route), seed) : probe(route)
              expectErrorShape(await testbed.request(request), "NotImplemented")
            }))
        }
      })
    }

    it(contractTestTitles.unknownRoute, () =>
      run(async (testbed, seed) => {
        const request = expectations.authorize(
          withHeader(
            { method: "GET", path: "/no-such-route/for/the/contract-suite" },
            "X-Request-Id",
            "contract-suite-1"
          ),
          seed
        )
        const response = await testbed.request(request)
        expectErrorShape(response, "NotFound")
        expect(response.headers.get("x-request-id")).toBe("contract-suite-1")
      })
    )

    it(contractTestTitles.invalidCreate, () =>
      run(async (testbed, seed) => {
        const before = await snapshot(testbed, seed)
        const response = await testbed.request(expectations.authorize(expectations.create.invalid(seed), seed))
        expectErrorShape(response, expectations.create.invalidRejectedAs ?? "ValidationFailed")
        expect(await snapshot(testbed, seed)).toEqual(before)
      })
    )

    it(contractTestTitles.malformedCreate, () =>
      run(async (testbed, seed) => {
        const before = await snapshot(testbed, seed)
        const valid = expectations.authorize(expectations.create.valid(seed), seed)
        const { body: _body, ...withoutBody } = valid
        const response = await testbed.request({
          ...withoutBody,
          headers: { ...valid.headers, "content-type": "application/json" },
          rawBody: '{"amount": 12.50,'
        })
        expectErrorShape(response, "ValidationFailed")
        expect(await snapshot(testbed, seed)).toEqual(before)
      })
    )

    it(contractTestTitles.validCreate, () =>
      run(async (testbed, seed) => {
        const before = await snapshot(testbed, seed)
        const response = await testbed.request(expectations.authorize(expectations.create.valid(seed), seed))
        const declared = createRoute.responses[response.status]
        expect(
          declared,
          `status ${response.status} (${response.text}) is not a declared success response`
        ).toBeDefined()
        if (declared?.schema !== undefined) {
          const decoded = Schema.decodeUnknownExit(declared.schema)(response.json)
          expect(decoded._tag, `body ${response.text} does not match the declared response schema`).toBe("Success")
        }
        expect(await countPayments(testbed, seed)).toBe(before.payments + 1)
      })
    )

    it(contractTestTitles.payloadTooLarge, () =>
      run(
        async (testbed, seed) => {
          const before = await snapshot(testbed, seed)
          const valid = expectations.authorize(expectations.create.valid(seed), seed)
          const response = await testbed.request({
            ...valid,
            headers: { ...valid.headers, "content-type": "application/json" },
            body: undefined,
            rawBody: JSON.stringify({ padding: "x".repeat(256) })
          })
          expectErrorShape(response, "PayloadTooLarge")
          expect(await snapshot(testbed, seed)).toEqual(before)
        },
        { limits: { maxBodyBytes: 128 } }
      )
    )

    it(contractTestTitles.longQuery, () =>
      run(async (testbed, seed) => {
        const before = await snapshot(testbed, seed)
        const valid = expectations.authorize(expectations.create.valid(seed), seed)
        const response = await testbed.request({ ...valid, query: { ...valid.query, status: "x".repeat(8000) } })
        expectErrorShape(response, "ValidationFailed")
        expect(response.text.length).toBeLessThan(2000)
        for (const [, value] of response.headers) expect(value.length).toBeLessThan(1000)
        expect(await snapshot(testbed, seed)).toEqual(before)
      })
    )

    it(contractTestTitles.throttled, () =>
      run(
        async (testbed, seed) => {
          const before = await snapshot(testbed, seed)
          const response = await testbed.request(expectations.authorize(expectations.create.valid(seed), seed))
          expectErrorShape(response, "TooManyRequests")
          expect(response.headers.get("retry-after")).toBe("7")
          expect(await snapshot(testbed, seed)).toEqual(before)
        },
        { throttle: refusingThrottle }
      )
    )

    it(contractTestTitles.everyErrorKind, async () => {
      const context = { requestId: "contract-suite-2", operationId: null, method: "POST", path: "/contract" }
      for (const tag of dialectErrorTags) {
        const response = renderDialectError(table, sampleErrors[tag], context)
        const text = await response.text()
        const decoded = Schema.decodeUnknownExit(dialect.errorSchema)(JSON.parse(text))
        expect(decoded._tag, `${tag}: error body ${text} does not match the dialect's error schema`).toBe("Success")
        expect(response.status, tag).toBe(table[tag].status)
        if (tag === "TooManyRequests") expect(response.headers.get("retry-after")).toBe("7")
        if (tag === "Overloaded") expect(response.headers.get("retry-after")).toBe("2")
      }
    })

    if (options.checkCompatibilityTable !== false) {
      it(contractTestTitles.deviations, () => {
        const deviations = dialect.deviations ?? []
        expect(
          deviations.length,
          "a dialect lists its differences from the vendor (defineDialect `deviations`)"
        ).toBeGreaterThan(0)
        for (const deviation of deviations) {
          expect(deviation.what.trim(), "what differs").not.toBe("")
          expect(deviation.why.trim(), `why: ${deviation.what}`).not.toBe("")
        }
        expect(new Set(deviations.map((deviation) => deviation.what)).size, "no difference listed twice").toBe(
          deviations.length
        )
      })

      it(contractTestTitles.compatibilityTable, async () => {
        const document = await readFile(compatibilityDocumentPath(), "utf8").catch(() => "")
        expect(
          document.includes(compatibilitySection(dialect)),
          "docs/compatibility.md is stale: run node packages/adapters/kit/scripts/generate-compatibility.ts"
        ).toBe(true)
      })
    }

    if (withKey !== null) {
      it(contractTestTitles.idempotentRetry, () =>
        run(async (testbed, seed) => {
          const before = await snapshot(testbed, seed)
          const request = expectations.authorize(withKey(expectations.create.valid(seed), "contract-suite-key-1"), seed)
          const first = await testbed.request(request)
          const afterFirst = await snapshot(testbed, seed)
          const second = await testbed.request(request)
          expect(createRoute.responses[first.status], first.text).toBeDefined()
          expect({ status: second.status, body: second.text }).toEqual({ status: first.status, body: first.text })
          expect(afterFirst.payments).toBe(before.payments + 1)
          expect(await snapshot(testbed, seed)).toEqual(afterFirst)
        })
      )

      const variant = expectations.create.variant
      if (variant !== undefined) {
        it(contractTestTitles.idempotencyKeyReused, () =>
          run(async (testbed, seed) => {
            const first = await testbed.request(
              expectations.authorize(withKey(expectations.create.valid(seed), "contract-suite-key-2"), seed)
            )
            expect(createRoute.responses[first.status], first.text).toBeDefined()
            const afterFirst = await snapshot(testbed, seed)
            const reused = await testbed.request(
              expectations.authorize(withKey(variant(seed), "contract-suite-key-2"), seed)
            )
            expectErrorShape(reused, "Conflict")
            expect(await snapshot(testbed, seed)).toEqual(afterFirst)
          })
        )
      }
    }
  })
}
