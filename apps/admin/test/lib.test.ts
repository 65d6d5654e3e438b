/**
 * The console's own logic, without a browser: exact money display from minor-unit strings, CSV
 * export quoting and formula neutralising, the lifecycle mirror equal to the ledger's table, the
 * payment filters' round trip through the URL, and the compatibility page dropping raw HTML.
 */
// biome-ignore lint/style/noRestrictedImports: the test checks the console's copy of the lifecycle against the ledger's own table
import { paymentTransitions } from "@paybridge/core"
import { describe, expect, it } from "vitest"
import { toCsv } from "../src/lib/csv.ts"
import { allowedActions, paymentLifecycle } from "../src/lib/lifecycle.ts"
import { formatMoney, minorToDecimal } from "../src/lib/money.ts"
import { emptyFilters, filtersFromParams, filtersToParams, toListInput } from "../src/lib/payment-filters.ts"
import { renderCompatibility } from "../src/pages/compatibility.page.tsx"

describe("money on screen", () => {
  it("shows minor units exactly in each currency's decimals, far beyond float precision", () => {
    expect(formatMoney("123456789012345678", "EUR")).toBe("1,234,567,890,123,456.78 EUR")
    expect(formatMoney("-5", "EUR")).toBe("-0.05 EUR")
    expect(formatMoney("1500", "JPY")).toBe("1,500 JPY")
    expect(formatMoney("1234", "BHD")).toBe("1.234 BHD")
    expect(minorToDecimal("-100050", "USD")).toBe("-1000.50")
  })
})

describe("CSV export", () => {
  it("quotes commas, quotes and line breaks, and keeps a spreadsheet from running a reference as a formula", () => {
    const csv = toCsv(
      [{ reference: 'Bank, "line" 7\nsecond', amount: "-12.50", note: '=HYPERLINK("x")' }],
      [
        { header: "reference", value: (row) => row.reference },
        { header: "amount", value: (row) => row.amount },
        { header: "note", value: (row) => row.note }
      ]
    )
    expect(csv).toBe('reference,amount,note\r\n"Bank, ""line"" 7\nsecond",-12.50,"\'=HYPERLINK(""x"")"\r\n')
  })
})

describe("actions offered for a payment", () => {
  it("mirrors the ledger's lifecycle table exactly", () => {
    const fromLedger = Object.fromEntries(
      Object.entries(paymentTransitions).map(([state, actions]) => [
        state,
        Object.entries(actions)
          .filter(([, to]) => to !== null)
          .map(([action]) => action)
      ])
    )
    expect(
      Object.fromEntries(Object.entries(paymentLifecycle).map(([state, actions]) => [state, [...actions]]))
    ).toEqual(fromLedger)
  })

  it("adds the amount rules: nothing left means no reversal, refund or allocation; an open collection changes the choices", () => {
    const posted = {
      state: "posted" as const,
      amount: "1000",
      reversedAmount: "0",
      allocatedAmount: "0",
      refundedAmount: "0",
      collectionOpen: false
    }
    expect(allowedActions(posted)).toEqual(["reverse", "allocate", "refund"])
    expect(allowedActions({ ...posted, reversedAmount: "1000" })).toEqual(["reinstate"])
    expect(allowedActions({ ...posted, reversedAmount: "300", allocatedAmount: "700" })).toEqual([
      "reverse",
      "reinstate",
      "refund"
    ])
    expect(allowedActions({ ...posted, state: "pending", collectionOpen: true })).toEqual([
      "mark-collected",
      "cancel-collection",
      "fail-collection",
      "allocate"
    ])
    expect(allowedActions({ ...posted, state: "rejected" })).toEqual([])
  })
})

describe("payment filters", () => {
  it("survive a round trip through the URL and become the list input the API expects", () => {
    const filters = {
      ...emptyFilters,
      customerId: "7",
      states: ["posted", "pending"] as const,
      currency: "eur",
      amountMin: "10",
      amountMax: "99.99",
      origin: "dialect:silver",
      search: " BANK "
    }
    const back = filtersFromParams(filtersToParams({ ...filters, states: [...filters.states] }))
    expect(back).toEqual({ ...filters, states: ["posted", "pending"], search: "BANK" })
    expect(toListInput(back)).toEqual({
      customerId: 7,
      states: ["posted", "pending"],
      currency: "EUR",
      amountMin: "10",
      amountMax: "99.99",
      origin: "dialect:silver",
      search: "BANK"
    })
    expect(filtersFromParams(new URLSearchParams("state=posted,bogus")).states).toEqual(["posted"])
  })
})

describe("compatibility page", () => {
  it("renders the generated tables and shows any other raw HTML as text", () => {
    const html = renderCompatibility(
      '# Title\n\n<a id="silver"></a>\n\n| Method | Path |\n| --- | --- |\n| GET | `/x` |\n\n<script>alert(1)</script>\n'
    )
    expect(html).toContain("<table>")
    expect(html).toContain('<a id="silver"></a>')
    expect(html).not.toContain("<script>")
    expect(html).toContain("&lt;script&gt;")
  })
})
