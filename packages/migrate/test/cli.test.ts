/**
 * The command line: `pnpm migrate -- …` really reaches the CLI through pnpm 12 (which forwards the
 * `--`), each vendor's credentials are checked in the combinations its clients use, customer lists
 * take ids, ranges and files, and every mistake is reported at once with the usage text.
 */
import { execFile } from "node:child_process"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { describe, expect, test } from "vitest"
import { type Command, parseCommandLine } from "../src/cli/cli-args.ts"

const root = fileURLToPath(new URL("../../../", import.meta.url))
const files: Record<string, string> = { "/work/ids.txt": "# customers\n7\n8, 9\n20-21\n" }
const environment = {
  env: { INIT_CWD: "/work" } as Record<string, string | undefined>,
  cwd: "/elsewhere",
  readText: (path: string) => {
    const text = files[path]
    if (text === undefined) throw new Error(`ENOENT: ${path}`)
    return text
  }
}
const parse = (...argv: Array<string>): Command => parseCommandLine(argv, environment)
const errorOf = (command: Command) => (command.kind === "error" ? command.message : `not an error: ${command.kind}`)

describe("pnpm migrate", () => {
  test("pnpm 12 forwards `--` and the flags after it to the CLI", async () => {
    const { stdout } = await promisify(execFile)("pnpm", ["migrate", "--", "--help"], { cwd: root })
    expect(stdout).toContain("pnpm migrate -- --from <billing-platform-uk|crm-com|logisense|elevate|silver>")
    const failed = await promisify(execFile)("pnpm", ["migrate", "--", "--from", "nowhere"], { cwd: root }).catch(
      (error: { code: number; stderr: string }) => error
    )
    expect(failed).toMatchObject({ code: 1 })
    expect((failed as { stderr: string }).stderr).toMatch(/--from must be one of/u)
  }, 30_000)
})

describe("import command", () => {
  test("a complete command for each credential style its vendor's clients use", () => {
    const url = ["--source-url", "https://vendor.example/api", "--dry-run"]
    expect(parse("--", "--from", "silver", ...url, "--username", "u", "--password", "p")).toMatchObject({
      kind: "import",
      vendor: "silver",
      dryRun: true
    })
    expect(parse("--from", "silver", ...url, "--api-key", "k").kind).toBe("import")
    expect(parse("--from", "elevate", ...url, "--brand", "b", "--username", "u", "--password", "p").kind).toBe("import")
    expect(parse("--from", "logisense", ...url, "--client-id", "c", "--client-secret", "s").kind).toBe("import")
    expect(parse("--from", "logisense", ...url, "--client-id", "c", "--username", "u", "--password", "p").kind).toBe(
      "import"
    )
    expect(parse("--from", "crm-com", ...url, "--api-key", "k", "--unit", "HQ", "--customers", "1").kind).toBe("import")
    expect(
      parse(
        "--from",
        "crm-com",
        ...url,
        "--username",
        "u",
        "--password",
        "p",
        "--organisation",
        "o",
        "--customers",
        "1"
      ).kind
    ).toBe("import")
    expect(
      parse("--from", "billing-platform-uk", ...url, "--api-key", "k", "--customers", "1-3", "--currency", "gbp")
    ).toMatchObject({
      defaultCurrency: "GBP",
      customers: [
        { id: "1", probe: true },
        { id: "2", probe: true },
        { id: "3", probe: true }
      ]
    })
  })

  test("credentials may come from the environment", () => {
    const command = parseCommandLine(["--from", "silver", "--source-url", "http://v", "--dry-run", "--username", "u"], {
      ...environment,
      env: { PAYBRIDGE_MIGRATE_PASSWORD: "secret" }
    })
    expect(command).toMatchObject({ kind: "import", credentials: { username: "u", password: "secret" } })
  })

  test("customer lists take ids, ranges and @files; currencies per customer; paths resolve from where pnpm was started", () => {
    const command = parse(
      "--from",
      "billing-platform-uk",
      "--source-url",
      "http://v",
      "--api-key",
      "k",
      "--customers",
      "3,@ids.txt",
      "--customer-currency",
      "7=JPY,8:bhd",
      "--out",
      "out/records.jsonl",
      "--checkpoint",
      "/abs/cp.json"
    )
    expect(command).toMatchObject({
      kind: "import",
      customers: [
        { id: "3", probe: false },
        { id: "7", probe: false },
        { id: "8", probe: false },
        { id: "9", probe: false },
        { id: "20", probe: true },
        { id: "21", probe: true }
      ],
      customerCurrencies: { "7": "JPY", "8": "BHD" },
      out: "/work/out/records.jsonl",
      checkpoint: "/abs/cp.json"
    })
  })

  test("every mistake is reported at once, with the usage", () => {
    const message = errorOf(
      parse(
        "--from",
        "crm-com",
        "--source-url",
        "ftp://x",
        "--api-key",
        "k",
        "--password",
        "p",
        "--concurrency",
        "99",
        "--currency",
        "XXX"
      )
    )
    expect(message).toMatch(/--source-url must be an http\(s\) URL/u)
    expect(message).toMatch(/CRM\.COM credentials: give/u)
    expect(message).toMatch(/--concurrency must be a whole number from 1 to 32/u)
    expect(message).toMatch(/--currency must be an ISO 4217 code/u)
    expect(message).toMatch(/CRM\.COM Web API v4's API cannot list customers/u)
    expect(message).toMatch(/^Usage:/mu)
    expect(
      errorOf(parse("--from", "silver", "--source-url", "http://v", "--api-key", "k", "--dry-run", "--customers", "1"))
    ).toMatch(/--customers is not used for Silver/u)
    expect(errorOf(parse("--bogus"))).toMatch(/Unknown option '--bogus'/u)
    expect(
      errorOf(
        parse("--from", "silver", "--source-url", "http://v", "--api-key", "k", "--checkpoint", "db", "--out", "x")
      )
    ).toMatch(/--out exports records without booking them/u)
  })

  test("books into the ledger by default: DATABASE_URL (relative SQLite paths from where pnpm started), checkpoint in it", () => {
    const booking = parse("--from", "silver", "--source-url", "http://v", "--api-key", "k")
    expect(booking).toMatchObject({ kind: "import", dryRun: false, out: null, checkpoint: "db", perRecord: false })
    expect((booking as { databaseUrl: string }).databaseUrl).toBe("sqlite:/work/data/paybridge.db")
    expect(
      parse(
        "--from",
        "silver",
        "--source-url",
        "http://v",
        "--api-key",
        "k",
        "--database-url",
        "postgresql://pg/x",
        "--per-record"
      )
    ).toMatchObject({
      databaseUrl: "postgresql://pg/x",
      perRecord: true,
      report: "/work/migrate-silver-reconciliation"
    })
    expect(parse("--from", "silver", "--source-url", "http://v", "--api-key", "k", "--dry-run")).toMatchObject({
      checkpoint: "/work/migrate-silver.checkpoint.json"
    })
  })

  test("--batch-size sets the records per ledger transaction of the bulk path (1–5000); the sink's default otherwise", () => {
    const base = ["--from", "silver", "--source-url", "http://v", "--api-key", "k"]
    expect(parse(...base)).toMatchObject({ batchSize: null })
    expect(parse(...base, "--batch-size", "50")).toMatchObject({ batchSize: 50 })
    expect(errorOf(parse(...base, "--batch-size", "0"))).toMatch(/batch-size/u)
    expect(errorOf(parse("--", "shadow", ...base, "--listen", "0", "--batch-size", "5"))).toMatch(
      /--batch-size is an import option/u
    )
  })
})

describe("shadow command", () => {
  test("vendor and Paybridge credentials, the port and the report path", () => {
    const command = parse(
      "--",
      "shadow",
      "--from",
      "elevate",
      "--source-url",
      "https://rest.elevatebilling.com/v1",
      "--brand",
      "b",
      "--username",
      "u",
      "--password",
      "p",
      "--paybridge-url",
      "http://pb/elevate/v1",
      "--paybridge-brand",
      "pb",
      "--paybridge-username",
      "ops",
      "--paybridge-password",
      "x",
      "--listen",
      "8080",
      "--ignore-field",
      "items[].created",
      "--ignore-field",
      "trackingId"
    )
    expect(command).toMatchObject({
      kind: "shadow",
      port: 8080,
      paybridgeCredentials: { brand: "pb", username: "ops", password: "x" },
      ignoreFields: ["items[].created", "trackingId"],
      report: "/work/shadow-elevate-report",
      databaseUrl: null
    })
  })

  test("--database-url names the ledger the migration booked into, for the id mapping", () => {
    const shadow = (...extra: Array<string>) =>
      parse(
        "shadow",
        "--from",
        "silver",
        "--source-url",
        "http://v",
        "--api-key",
        "k",
        "--paybridge-url",
        "http://p",
        "--paybridge-api-key",
        "pk",
        "--listen",
        "0",
        ...extra
      )
    expect(shadow("--database-url", "sqlite:data/b.db")).toMatchObject({
      kind: "shadow",
      databaseUrl: "sqlite:/work/data/b.db"
    })
    expect(shadow("--database-url", "postgresql://pg/x")).toMatchObject({ databaseUrl: "postgresql://pg/x" })
  })

  test("refuses import options, missing Paybridge credentials and a missing port", () => {
    const message = errorOf(
      parse(
        "shadow",
        "--from",
        "silver",
        "--source-url",
        "http://v",
        "--api-key",
        "k",
        "--paybridge-url",
        "http://p",
        "--dry-run"
      )
    )
    expect(message).toMatch(/--dry-run is an import option/u)
    expect(message).toMatch(/Paybridge side: Silver credentials: give `--paybridge-username/u)
    expect(message).toMatch(/--listen <port> is required/u)
  })
})
