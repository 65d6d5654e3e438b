/**
 * Every sample request of the vendor's Payment page replayed against the dialect, with the
 * response compared to the vendor's sample field by field: the same fields in the same envelope,
 * ids, tracking ids and timestamps checked only for their type, every other value equal. The
 * samples are placeholders (random ids, "Sample Text Data" names), so the world is seeded to
 * match: an account, payment type, payment method, invoice, user and vendor reference records
 * all named "Sample Text Data", an account billed in USD whose owner (billing entity) keeps EUR.
 * Where a sample's placeholder value contradicts its own request or the scenario, the expected
 * value is written out next to the reason.
 */
import { JsonDecimal } from "@paybridge/adapter-kit"
import type { DialectTestbed, TestResponse } from "@paybridge/adapter-kit/testing"
import {
  type CustomerId,
  DialectRecords,
  type DocumentId,
  Documents,
  Parties,
  PaymentId,
  Payments,
  type PresetId
} from "@paybridge/core"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { authorize, loginAs, newTestbed, v6 } from "./logisense.fixtures.ts"
import * as samples from "./logisense.vendor-samples.ts"

const sampleName = "Sample Text Data"

interface World {
  readonly token: string
  readonly accountId: CustomerId
  readonly typeId: PresetId
  readonly methodId: PresetId
  readonly invoiceId: DocumentId
}

/** The objects the samples name, all called "Sample Text Data". */
const seedWorld = async (testbed: DialectTestbed): Promise<World> => {
  const token = await loginAs(testbed, "admin", sampleName)
  const owner = await testbed.runAsSystem(
    Parties.use((parties) => parties.createBillingEntity({ name: "Owner", defaultCurrency: "EUR" }))
  )
  const customer = await testbed.runAsSystem(
    Parties.use((parties) => parties.createCustomer({ name: sampleName, currency: "USD", billingEntityId: owner.id }))
  )
  const type = await testbed.runAsSystem(
    Parties.use((parties) => parties.createPreset({ kind: "type", code: "sample-type", name: sampleName }))
  )
  const method = await testbed.runAsSystem(
    Parties.use((parties) => parties.createPreset({ kind: "method", code: "sample-method", name: sampleName }))
  )
  const invoice = await testbed.runAsSystem(
    Documents.use((documents) =>
      documents.issueDocument({ kind: "invoice", customerId: customer.id, total: "5000.00", number: sampleName })
    )
  )
  const references: ReadonlyArray<[string, number]> = [
    ["card-type", 22],
    ["card-type", 1],
    ["currency-exchange-detail", 25],
    ["currency-exchange-detail", 10],
    ["bill-run-history", 25],
    ["bill-run-history", 8],
    ["payment-pre-authorize", 6],
    ["payment-pre-authorize", 7],
    ["payment-transaction", 5],
    ["payment-transaction", 13],
    ["portal-user", 8],
    ["portal-user", 2],
    ["card-type", 4],
    ["currency-exchange-detail", 7],
    ["bill-run-history", 17],
    ["payment-pre-authorize", 17],
    ["payment-transaction", 10],
    ["portal-user", 1]
  ]
  for (const [kind, id] of references) {
    await testbed.runAsSystem(
      DialectRecords.use((dialectRecords) =>
        dialectRecords.saveDialectRecord({ dialect: "logisense", kind, key: String(id), data: { name: sampleName } })
      )
    )
  }
  return { token, accountId: customer.id, typeId: type.id, methodId: method.id, invoiceId: invoice.id }
}

/** A sample request body with its placeholder ids replaced by the world's (others kept verbatim). */
const mapBody = (body: Record<string, unknown>, world: World, overrides: Record<string, unknown> = {}) => {
  const mapped: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(body)) {
    mapped[key] = typeof value === "number" && !Number.isInteger(value) ? new JsonDecimal(String(value)) : value
  }
  return {
    ...mapped,
    accountId: world.accountId,
    paymentTypeId: world.typeId,
    paymentMethodId: world.methodId,
    invoiceId: world.invoiceId,
    ...overrides
  }
}

const isIgnored = (key: string) =>
  key === "trackingId" ||
  key === "identity" ||
  key === "foreignKeyIdentity" ||
  key === "lhsId" ||
  key === "rhsId" ||
  /Id$/u.test(key) ||
  key === "created"

const text = (value: unknown) => (value instanceof JsonDecimal ? value.source : JSON.stringify(value))

/**
 * Compares `actual` with the vendor `sample`: same fields (plus `extra` ones the sample omits),
 * ignored fields by type only, every other value equal to the sample or to `expected[path]`.
 */
const expectLikeSample = (
  actual: unknown,
  sample: unknown,
  expected: Readonly<Record<string, unknown>> = {},
  extra: ReadonlyArray<string> = [],
  path = ""
): void => {
  if (Array.isArray(sample)) {
    expect(Array.isArray(actual), `${path} is an array`).toBe(true)
    const items = actual as ReadonlyArray<unknown>
    expect(items.length, `${path} length`).toBe(sample.length)
    sample.forEach((item, index) => {
      expectLikeSample(items[index], item, expected, extra, `${path}[${index}]`)
    })
    return
  }
  if (typeof sample === "object" && sample !== null) {
    expect(typeof actual, `${path} is an object`).toBe("object")
    const record = actual as Record<string, unknown>
    const sampleKeys = Object.keys(sample)
    const unexpected = Object.keys(record).filter((key) => !sampleKeys.includes(key) && !extra.includes(key))
    expect(unexpected, `${path}: fields the sample does not have`).toEqual([])
    for (const [key, value] of Object.entries(sample)) {
      const at = path === "" ? key : `${path}.${key}`
      expect(Object.hasOwn(record, key), `${at} is present`).toBe(true)
      if (Object.hasOwn(expected, at)) {
        expect(text(record[key]), at).toBe(text(expected[at]))
      } else if (isIgnored(key)) {
        const kind = typeof value
        expect(record[key] === null || typeof record[key] === kind, `${at} is a ${kind} or null`).toBe(true)
      } else expectLikeSample(record[key], value, expected, extra, at)
    }
    return
  }
  expect(text(actual), path).toBe(text(sample))
}

describe("the vendor's Payment samples, replayed", () => {
  let testbed: DialectTestbed
  let world: World
  const send = (method: string, path: string, body?: unknown): Promise<TestResponse> =>
    testbed.request(authorize({ method, path, ...(body === undefined ? {} : { body }) }, world))

  /** POST Payment/ with the sample body (its placeholder reversal link left out): a posted payment. */
  const createSamplePayment = async (overrides: Record<string, unknown> = {}) => {
    const { reversePaymentId: _link, ...body } = samples.postRequest
    const response = await send("POST", `${v6}/`, mapBody(body, world, overrides))
    expect(response.status, response.text).toBe(200)
    return (response.json as { results: { items: Array<{ identity: number }> } }).results.items[0]?.identity as number
  }

  /** The sample invoice amount of the POST request: the part issued to the invoice. */
  const paymentRowExpectations = (prefix: string) => ({
    [`${prefix}.invoiceAmount`]: 27,
    // The sample's placeholder names a reversed payment; a recorded payment has no reversal link.
    [`${prefix}.reversePaymentName`]: null
  })

  /** A payment's number: the name a reversal row shows for it. */
  const numberOf = async (identity: number) =>
    (await testbed.runAsSystem(Payments.use((payments) => payments.getPayment({ id: PaymentId.make(identity) }))))
      .payment.number

  beforeEach(async () => {
    testbed = await newTestbed()
    world = await seedWorld(testbed)
  })
  afterEach(() => testbed.dispose())

  it("POST Payment/ replays the vendor sample field by field", async () => {
    // As a recorded payment (the sample's reversePaymentId left out)…
    const { reversePaymentId: _link, ...body } = samples.postRequest
    const created = await send("POST", `${v6}/`, mapBody(body, world))
    expect(created.status, created.text).toBe(200)
    expectLikeSample(created.json, samples.postResponse, paymentRowExpectations("results.items[0]"))
    expect(created.text).toContain('"amount":1235.89,')
    expect(created.text).toContain('"baseAmount":1345.89,')

    // …and as the sample sends it: a reversal row of an existing payment issued to an invoice.
    const original = await createSamplePayment({ amount: new JsonDecimal("2000.00"), invoiceAmount: 100 })
    const reversal = await send("POST", `${v6}/`, mapBody(samples.postRequest, world, { reversePaymentId: original }))
    expect(reversal.status, reversal.text).toBe(200)
    expectLikeSample(reversal.json, samples.postResponse, {
      "results.items[0].disbursed": false,
      "results.items[0].checkNumber": null,
      "results.items[0].invoiceName": null,
      "results.items[0].invoiceAmount": 0,
      "results.items[0].automaticDisburse": false,
      "results.items[0].detail": "Payment Recieved",
      "results.items[0].reversePaymentName": await numberOf(original)
    })
    const row = (reversal.json as { results: { items: Array<Record<string, unknown>> } }).results.items[0]
    expect(row?.reversePaymentId).toBe(original)
    expect(row?.identity as number).toBeLessThan(0)
  })

  it("GET Payment/ replays the vendor sample field by field", async () => {
    await createSamplePayment()
    const list = await send("GET", `${v6}/`)
    expect(list.status).toBe(200)
    expectLikeSample(list.json, samples.listResponse, paymentRowExpectations("items[0]"))
  })

  it("GET Payment/Paged replays the vendor sample field by field", async () => {
    await createSamplePayment()
    const paged = await send("GET", `${v6}/Paged`)
    expect(paged.status).toBe(200)
    expectLikeSample(paged.json, samples.pagedResponse, paymentRowExpectations("pagedResults.items[0]"))
  })

  const reverseForSample = async (identity: number) => {
    const reversed = await send("POST", `${v6}/Reverse`, {
      paymentId: identity,
      amount: new JsonDecimal("36.61"),
      date: "2021-04-26T15:25:27.587Z",
      detail: sampleName
    })
    expect(reversed.status, reversed.text).toBe(200)
  }

  /** The sample's reversal row next to a reversal booked through Payment/Reverse. */
  const reversalExpectations = (prefix: string) => ({
    [`${prefix}.disbursed`]: false,
    [`${prefix}.checkNumber`]: null,
    [`${prefix}.invoiceName`]: null,
    [`${prefix}.baseAmount`]: null,
    [`${prefix}.invoiceAmount`]: 0,
    [`${prefix}.automaticDisburse`]: false
  })
  const reversalExtras = [
    "currencyExchangeDetailName",
    "reversePaymentName",
    "paymentPreAuthorizeName",
    "paymentTransactionName"
  ]
  const disbursementExpectations = (prefix: string) => ({
    [`${prefix}.amount`]: 27,
    [`${prefix}.baseAmount`]: null,
    [`${prefix}.invoiceAmount`]: 27
  })

  it("GET Payment/Paged/Detail replays the vendor sample field by field", async () => {
    const identity = await createSamplePayment()
    await reverseForSample(identity)
    const response = await testbed.request(
      authorize(
        { method: "GET", path: `${v6}/Paged/Detail`, headers: { pagination: '{"pageNumber":1,"pageSize":1}' } },
        world
      )
    )
    expect(response.status).toBe(200)
    const item = "pagedResults.items[0]"
    expectLikeSample(
      response.json,
      samples.pagedDetailResponse,
      {
        "pagination.pageSize": 1,
        "pagedResults.totalCount": 2,
        ...paymentRowExpectations(item),
        ...disbursementExpectations(`${item}.details.invoiceDisbursements[0]`),
        ...reversalExpectations(`${item}.details.paymentReversals[0]`)
      },
      reversalExtras
    )
  })

  it("GET Payment/{id} replays the vendor sample field by field", async () => {
    const identity = await createSamplePayment()
    const read = await send("GET", `${v6}/${identity}`)
    expect(read.status).toBe(200)
    expectLikeSample(read.json, samples.getResponse, paymentRowExpectations("instance"))
  })

  it("GET Payment/{id}/Detail replays the vendor sample field by field", async () => {
    const identity = await createSamplePayment()
    await reverseForSample(identity)
    const read = await send("GET", `${v6}/${identity}/Detail`)
    expect(read.status).toBe(200)
    expectLikeSample(
      read.json,
      samples.getDetailResponse,
      {
        ...paymentRowExpectations("instance"),
        ...disbursementExpectations("instance.details.invoiceDisbursements[0]"),
        ...reversalExpectations("instance.details.paymentReversals[0]")
      },
      reversalExtras
    )
  })

  it("PUT Payment/{id} replays the vendor sample field by field", async () => {
    const identity = await createSamplePayment()
    // The sample's placeholder reversal link is left out: PUT cannot turn a payment into a reversal.
    const updated = await send(
      "PUT",
      `${v6}/${identity}`,
      mapBody(samples.putRequest, world, { identity, reversePaymentId: null, checkNumber: "CHK-2" })
    )
    expect(updated.status, updated.text).toBe(200)
    expectLikeSample(updated.json, samples.putResponse, {
      ...paymentRowExpectations("results.items[0]"),
      "results.items[0].checkNumber": "CHK-2"
    })
  })

  it("PATCH Payment/{id} replays the vendor sample field by field", async () => {
    const original = await createSamplePayment({ amount: new JsonDecimal("2000.00"), invoiceAmount: 100 })
    const item = samples.patchRequest.payments.items[0]
    const patched = await send("PATCH", `${v6}/${original}`, {
      details: {},
      payments: { items: [mapBody(item, world, { reversePaymentId: original })] }
    })
    expect(patched.status, patched.text).toBe(200)
    const at = "results.items[0].instance"
    expectLikeSample(patched.json, samples.patchResponse, {
      [`${at}.disbursed`]: false,
      [`${at}.checkNumber`]: null,
      [`${at}.invoiceName`]: null,
      [`${at}.invoiceAmount`]: 0,
      [`${at}.automaticDisburse`]: false,
      [`${at}.reversePaymentName`]: await numberOf(original)
    })
  })

  it("DELETE Payment/{id} replays the vendor sample field by field", async () => {
    const draft = await testbed.runAsSystem(
      Payments.use((payments) =>
        payments.createPayment({
          customerId: world.accountId,
          amount: "50.00",
          initialState: "draft",
          allocations: [{ documentId: world.invoiceId, amount: "20.00" }]
        })
      )
    )
    const deleted = await send("DELETE", `${v6}/${draft.payment.id}`)
    expect(deleted.status, deleted.text).toBe(200)
    const { results } = samples.deleteResponse
    // The sample lists three placeholder objects under a count of 4; ours are the payment, its
    // invoice link and its disbursement.
    expectLikeSample(
      deleted.json,
      { ...samples.deleteResponse, results: { totalCount: 3, items: results.items } },
      { "results.items[1].dtoTypeKey": "invoice", "results.items[2].dtoTypeKey": "paymentInvoiceDisbursement" }
    )
    expect((await send("GET", `${v6}/${draft.payment.id}`)).status).toBe(404)
  })
})
