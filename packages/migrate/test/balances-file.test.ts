/**
 * The operator's balances file (`--balances`): CSV and JSON read exactly, every mistake (header,
 * unknown currency, too many decimals for the currency, duplicates, a JSON number) reported with
 * its line or entry and field, the command line refusing a bad file before anything runs, and the
 * rows resolved to the vendor's customers (by id or alias) with the vendor's sign turned into the
 * ledger's — an unknown customer or another currency refusing the whole file.
 */
import { describe, expect, test } from "vitest"
import { parseCommandLine } from "../src/cli/cli-args.ts"
import {
  type BalancesFile,
  BalancesFileError,
  balanceFileRecord,
  parseBalancesFile,
  resolveBalances
} from "../src/import/balances-file.ts"

const fileOf = (text: string): BalancesFile => {
  const parsed = parseBalancesFile("balances.csv", text)
  if ("problems" in parsed) throw new Error(parsed.problems.join("\n"))
  return parsed.file
}
const problemsOf = (text: string, path = "balances.csv"): ReadonlyArray<string> => {
  const parsed = parseBalancesFile(path, text)
  return "problems" in parsed ? parsed.problems : []
}

describe("parsing", () => {
  test("CSV: header, exact decimals per currency, BOM, CRLF and blank lines", () => {
    const file = fileOf("\uFEFFcustomer,currency,balance\r\n7,EUR,-125.50\r\n\r\n8,JPY,3000\n9,BHD,0.125\n10,KWD,-0\n")
    expect(file.rows).toEqual([
      { at: "line 2", customer: "7", currency: "EUR", balance: "-125.50" },
      { at: "line 4", customer: "8", currency: "JPY", balance: "3000" },
      { at: "line 5", customer: "9", currency: "BHD", balance: "0.125" },
      { at: "line 6", customer: "10", currency: "KWD", balance: "-0" }
    ])
  })

  test("JSON: an array or {balances}, balances as strings", () => {
    const rows = [{ customer: "A-1", currency: "GBP", balance: "10.01" }]
    expect(fileOf(JSON.stringify(rows)).rows).toEqual([{ at: "entry 1", ...rows[0] }])
    expect(fileOf(JSON.stringify({ balances: rows })).rows).toHaveLength(1)
  })

  test("every mistake is named with its line and field, all at once", () => {
    const problems = problemsOf(
      [
        "customer,currency,balance",
        "7,EUR,12.345",
        "8,XYZ,1",
        "7,EUR,1.00",
        "9,JPY,1.5",
        "10,USD,1e3",
        ",USD,1",
        "11,USD"
      ].join("\n")
    )
    expect(problems).toEqual([
      "balances.csv: line 2: balance: 12.345 has more decimals than EUR (2)",
      'balances.csv: line 3: currency: not an ISO 4217 code: "XYZ"',
      "balances.csv: line 4: customer: 7 is listed twice (also line 2)",
      "balances.csv: line 5: balance: 1.5 has more decimals than JPY (0)",
      'balances.csv: line 6: balance: not a decimal amount: "1e3"',
      "balances.csv: line 7: customer: missing",
      "balances.csv: line 8: expected 3 fields (customer,currency,balance), got 2"
    ])
    expect(problemsOf("id,ccy,amount\n1,EUR,1")).toEqual([
      "balances.csv: line 1: the header must be customer,currency,balance, not id,ccy,amount"
    ])
    expect(problemsOf("")).toEqual(["balances.csv: the file is empty (expected the header customer,currency,balance)"])
  })

  test("JSON numbers are refused (a float cannot carry cents exactly), and unknown fields", () => {
    expect(problemsOf('[{"customer":"7","currency":"EUR","balance":12.5,"note":"x"}]', "b.json")).toEqual([
      "b.json: entry 1: unknown field(s) note",
      'b.json: entry 1: balance: a JSON number (12.5); write it as a decimal string, e.g. "12.50"'
    ])
    expect(problemsOf('{"rows": []}', "b.json")).toEqual([
      "b.json: expected an array of {customer, currency, balance} (or {balances: [...]})"
    ])
  })
})

describe("resolving against the vendor's customers", () => {
  const customers = new Map([
    ["4f2a", { sourceId: "4f2a", currency: "EUR" as const }],
    ["AR-0001", { sourceId: "4f2a", currency: "EUR" as const }],
    ["5b3c", { sourceId: "5b3c", currency: "JPY" as const }]
  ])
  const lookup = (customer: string) => customers.get(customer) ?? null

  test("by id or alias; an owed-positive report's sign becomes the ledger's (positive = in credit)", () => {
    const file = fileOf("customer,currency,balance\nAR-0001,EUR,125.50\n5b3c,JPY,-300\n")
    const resolved = resolveBalances(file, "CRM.COM", "owed-positive", lookup, () => false)
    expect(resolved.map((row) => [row.customerSourceId, row.ledgerBalance, row.vendorShown])).toEqual([
      ["4f2a", "-125.50", false],
      ["5b3c", "300", false]
    ])
    expect(balanceFileRecord(resolved[0] ?? (undefined as never))).toMatchObject({
      kind: "balance",
      sourceId: "file:4f2a",
      customerSourceId: "4f2a",
      balance: "-125.50",
      currency: "EUR",
      origin: "balances-file",
      raw: { customer: "AR-0001", currency: "EUR", balance: "125.50" }
    })
    const elevate = resolveBalances(file, "Elevate", "credit-positive", lookup, (id) => id === "5b3c")
    expect(elevate.map((row) => [row.ledgerBalance, row.vendorShown])).toEqual([
      ["125.50", false],
      ["-300", true]
    ])
  })

  test("an unknown customer, another currency or one customer twice refuses the whole file", () => {
    const file = fileOf("customer,currency,balance\n4f2a,EUR,1\n99,EUR,1\n5b3c,EUR,1\nAR-0001,EUR,2\n")
    expect(() => resolveBalances(file, "CRM.COM", "owed-positive", lookup, () => false)).toThrow(BalancesFileError)
    expect(() => resolveBalances(file, "CRM.COM", "owed-positive", lookup, () => false)).toThrow(
      [
        "balances file balances.csv: nothing of it booked:",
        "  line 3: customer: 99 is not a customer read from CRM.COM",
        "  line 4: currency: customer 5b3c is in JPY, not EUR",
        "  line 5: customer: AR-0001 is the customer of line 2 again"
      ].join("\n")
    )
  })
})

describe("--balances on the command line", () => {
  const files: Record<string, string> = {
    "/work/good.csv": "customer,currency,balance\n7,EUR,10.00\n",
    "/work/bad.json": '[{"customer":"7","currency":"EUR","balance":10.5}]'
  }
  const environment = {
    env: { INIT_CWD: "/work" } as Record<string, string | undefined>,
    cwd: "/elsewhere",
    readText: (path: string) => {
      const text = files[path]
      if (text === undefined) throw new Error(`ENOENT: ${path}`)
      return text
    }
  }
  const base = ["--from", "silver", "--source-url", "https://vendor.example/", "--api-key", "k"]

  test("a good file is parsed into the command (relative to where pnpm started)", () => {
    const command = parseCommandLine([...base, "--balances", "good.csv"], environment)
    expect(command).toMatchObject({
      kind: "import",
      balances: { path: "good.csv", rows: [{ customer: "7", currency: "EUR", balance: "10.00" }] }
    })
    expect(parseCommandLine(base, environment)).toMatchObject({ kind: "import", balances: null })
  })

  test("--balance-sign says how the file is signed; a wrong value or no file is a command-line error", () => {
    expect(
      parseCommandLine([...base, "--balances", "good.csv", "--balance-sign", "credit-positive"], environment)
    ).toMatchObject({
      kind: "import",
      balances: { path: "good.csv", sign: "credit-positive" }
    })
    expect(parseCommandLine([...base, "--balances", "good.csv"], environment)).toMatchObject({
      balances: { sign: null }
    })
    const wrong = parseCommandLine([...base, "--balances", "good.csv", "--balance-sign", "negative"], environment)
    expect(wrong.kind === "error" ? wrong.message : "").toContain(
      "--balance-sign must be owed-positive or credit-positive, not negative"
    )
    const alone = parseCommandLine([...base, "--balance-sign", "owed-positive"], environment)
    expect(alone.kind === "error" ? alone.message : "").toContain("give --balances")
  })

  test("a bad or missing file, or --balances with --out or shadow, is a command-line error", () => {
    const bad = parseCommandLine([...base, "--balances", "bad.json"], environment)
    expect(bad.kind === "error" ? bad.message : "").toContain("bad.json: entry 1: balance: a JSON number (10.5)")
    const missing = parseCommandLine([...base, "--balances", "none.csv"], environment)
    expect(missing.kind === "error" ? missing.message : "").toContain("--balances: cannot read none.csv: ENOENT")
    const out = parseCommandLine(
      [...base, "--balances", "good.csv", "--out", "x.jsonl", "--checkpoint", "c.json"],
      environment
    )
    expect(out.kind === "error" ? out.message : "").toContain("--balances books balances: it cannot be used with --out")
    const shadow = parseCommandLine(
      [
        "shadow",
        ...base,
        "--balances",
        "good.csv",
        "--paybridge-url",
        "http://pb/",
        "--paybridge-api-key",
        "k",
        "--listen",
        "1"
      ],
      environment
    )
    expect(shadow.kind === "error" ? shadow.message : "").toContain("--balances is an import option")
  })
})
