/**
 * Issue 17.9 for Silver: a refusal the ledger raises names the field the way a Silver (DRF) client
 * wrote it — the ledger's `customerId`, `billingEntityId`, `documentId` and `allocations` are Silver's
 * `customer`, `provider` and `invoice` — and fields the ledger shares with Silver keep their names.
 */
import { ValidationFailed } from "@paybridge/core"
import { describe, expect, it } from "vitest"
import { silverErrors } from "../src/silver.errors.ts"

const render = (issues: ReadonlyArray<{ path: ReadonlyArray<string | number>; message: string }>) =>
  silverErrors.ValidationFailed.body(new ValidationFailed({ message: "refused", issues: [...issues] }), {
    requestId: "field-names",
    operationId: "createPayment",
    method: "POST",
    path: "/silver/customers/7/payments/"
  })

describe("Silver field names in ledger refusals (17.9)", () => {
  it("writes the ledger's fields under Silver's serializer field names, one list per field", () => {
    expect(
      render([
        { path: ["customerId"], message: "customer 7 does not exist" },
        { path: ["billingEntityId"], message: "provider 3 does not exist" },
        { path: ["documentId"], message: "invoice 9 does not exist" },
        { path: ["allocations", 0, "amount"], message: "allocations of 60.00 EUR exceed the payment's 50.00 EUR" }
      ])
    ).toEqual({
      customer: ["customer 7 does not exist"],
      provider: ["provider 3 does not exist"],
      invoice: ["invoice 9 does not exist", "allocations of 60.00 EUR exceed the payment's 50.00 EUR"]
    })
  })

  it("keeps fields Silver shares with the ledger, and puts a refusal without a field under non_field_errors", () => {
    expect(
      render([
        { path: ["amount"], message: "amount must be positive" },
        { path: [], message: "the customer's currency is USD" }
      ])
    ).toEqual({ amount: ["amount must be positive"], non_field_errors: ["the customer's currency is USD"] })
  })
})
