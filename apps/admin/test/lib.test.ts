/**
 * The console's own logic, without a browser: exact money display from minor-unit strings, CSV
 * export quoting and formula neutralising, the lifecycle mirror equal to the ledger's table, the
 * payment filters' round trip through the URL, and the compatibility page dropping raw HTML.
 */
// biome-ignore lint/style/noRestrictedImports: the test checks the console's copy of the lifecycle against the ledger's own table
import { paymentTransitions } from "@paybridge/core"
import { type CurrencyCode, exponentOf as coreExponentOf, currencyCodes, readMinorUnits } from "@paybridge/core/money"
import { describe, expect, it } from "vitest"
import { toCsv } from "../src/lib/csv.ts"
import { allowedActions, paymentLifecycle } from "../src/lib/lifecycle.ts"
import { amountError, checkAmount, exponentOf, formatMoney, minorToDecimal } from "../src/lib/money.ts"
import { emptyFilters, filtersFromParams, filtersToParams, toListInput } from "../src/lib/payment-filters.ts"
import { renderCompatibility } from "../src/pages/compatibility.page.tsx"
import { type PaymentRow, paymentCsvColumns } from "../src/pages/payments.page.tsx"

describe("money on screen", () => {
  it("shows minor units exactly in each currency's decimals, far beyond float precision", () => {
    expect(formatMoney("123456789012345678", "EUR")).toBe("1,234,567,890,123,456.78 EUR")
    expect(formatMoney("-5", "EUR")).toBe("-0.05 EUR")
    expect(formatMoney("1500", "JPY")).toBe("1,500 JPY")
    expect(formatMoney("1234", "BHD")).toBe("1.234 BHD")
    expect(minorToDecimal("-100050", "USD")).toBe("-1000.50")
  })
})

describe("money by ISO 4217, over every currency code of the ledger (issue 12)", () => {
  const minorOf = (text: string, currency: CurrencyCode) => {
    const read = readMinorUnits(text, currency)
    return read.ok ? read.value : read.message
  }

  it("shows, exports and reads back 125000 minor units of every code with the ledger's exponent", () => {
    expect(currencyCodes.length).toBeGreaterThan(150)
    for (const code of currencyCodes) {
      const exponent = coreExponentOf(code)
      const expected = exponent === 0 ? "125000" : `${"125000".slice(0, 6 - exponent)}.${"125000".slice(6 - exponent)}`
      expect(exponentOf(code), code).toBe(exponent)
      expect(minorToDecimal("125000", code), code).toBe(expected)
      expect(formatMoney("125000", code), code).toBe(`${expected.replace(/^(\d+)(\d{3})(?=\.|$)/, "$1,$2")} ${code}`)
      // What the console shows is what the ledger reads back, and an input in the shown form is accepted.
      expect(minorOf(minorToDecimal("125000", code), code), code).toBe(125000n)
      expect(checkAmount(minorToDecimal("-125000", code), code, "1.00"), code).toBe(true)
      // One decimal more than the currency has is refused before sending, in the ledger's words.
      const tooFine = `${expected}${exponent === 0 ? "." : ""}1`
      expect(checkAmount(tooFine, code, "1.00"), code).toBe(
        `${code} amounts have at most ${exponent} decimal place${exponent === 1 ? "" : "s"}`
      )
      expect(amountError(tooFine, code)).toBe(minorOf(tooFine, code))
    }
  })

  it("ignores the browser's Intl digits, which differ for HUF, COP, IDR, PKR, IQD and others", () => {
    const intlDigits = (code: string) =>
      new Intl.NumberFormat("en", { style: "currency", currency: code }).resolvedOptions().maximumFractionDigits
    const differing = currencyCodes.filter((code) => intlDigits(code) !== coreExponentOf(code))
    expect(differing).toEqual(expect.arrayContaining(["HUF", "COP", "IDR", "PKR", "IQD"]))
    for (const code of differing) {
      expect(minorToDecimal("125000", code)).toBe(coreExponentOf(code) === 3 ? "125.000" : "1250.00")
    }
    expect(formatMoney("125000", "HUF")).toBe("1,250.00 HUF")
    expect(formatMoney("-125000", "IQD")).toBe("-125.000 IQD")
    expect(formatMoney("12345678901234567", "COP")).toBe("123,456,789,012,345.67 COP")
  })

  it("exports HUF amounts in the CSV with the ledger's decimals", () => {
    const row = {
      id: 7,
      referenceNumber: "PAY-7",
      number: "7",
      customerId: 3,
      paymentDate: "2026-01-02",
      currency: "HUF",
      amount: "125000",
      state: "posted",
      allocatedAmount: "50000",
      reversedAmount: "0",
      refundedAmount: "5",
      methodId: null,
      references: { reference: null, customerReference: null },
      origin: "trpc",
      createdAt: "2026-01-02T10:00:00.000Z"
    } as unknown as PaymentRow
    const [header, line] = toCsv([row], paymentCsvColumns).split("\r\n")
    expect(header).toContain("currency,amount,state,allocated,reversed,refunded")
    expect(line).toContain(",HUF,1250.00,posted,500.00,0.00,0.05,")
  })

  it("checks what users type against the currency and leaves the wording of non-decimals to the form", () => {
    expect(checkAmount("1250.5", "HUF", "100.00")).toBe(true)
    expect(checkAmount("1250.555", "HUF", "100.00")).toBe("HUF amounts have at most 2 decimal places")
    expect(checkAmount("1.5", "JPY", "100")).toBe("JPY amounts have at most 0 decimal places")
    expect(checkAmount("12,50", "EUR", "100.00")).toBe("Enter an amount such as 100.00")
    expect(checkAmount("1e3", "EUR", "100.00")).toBe("Enter an amount such as 100.00")
    expect(checkAmount("10000000000000000", "EUR", "100.00")).toBe("amount is too large")
    // Without a known currency the API decides (and says which currency it needs).
    expect(checkAmount("1.555", "", "100.00")).toBe(true)
    expect(checkAmount("1.555", "XYZ", "100.00")).toBe(true)
    expect(formatMoney("125000", "XYZ")).toBe("125,000 minor units of XYZ")
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
