/**
 * The command line of `pnpm migrate`, parsed with `node:util` parseArgs into a checked command:
 * an import (`--from <vendor> --source-url <url> <credentials> [options]`) or the shadow proxy
 * (`shadow --from … --source-url … <credentials> --paybridge-url … <paybridge credentials>
 * --listen <port>`). pnpm 12 forwards the `--` of `pnpm migrate -- …` as the first argument; it is
 * dropped. Every problem is reported at once with the usage text, never as a stack trace. Relative
 * paths are resolved against the directory pnpm was started in (`INIT_CWD`).
 */
import { isAbsolute, resolve } from "node:path"
import { parseArgs } from "node:util"
import type { CurrencyCode } from "@paybridge/core"
import { type BalancesFile, parseBalancesFile } from "../import/balances-file.ts"
import { currencyOf, isVendorId, type VendorId, vendorIds } from "../sources/source-model.ts"
import type { CustomerSelection } from "../sources/source-reader.ts"
import { type Credentials, credentialFlags, credentialsFrom } from "../sources/vendor-auth.ts"
import { vendors } from "../sources/vendors.ts"

export interface HttpSettings {
  readonly concurrency: number
  readonly timeoutMs: number
  readonly maxAttempts: number
}

export interface ImportCommand {
  readonly kind: "import"
  readonly vendor: VendorId
  readonly sourceUrl: string
  readonly credentials: Credentials
  readonly dryRun: boolean
  /** `db` (the ledger database, the default when booking) or a JSON file path (default for --dry-run / --out). */
  readonly checkpoint: string
  /** Export new and changed records to this JSON-lines file instead of booking them. */
  readonly out: string | null
  /** The ledger booked into: `--database-url`, else `DATABASE_URL`, else `sqlite:data/paybridge.db`. */
  readonly databaseUrl: string
  /** Path prefix of the reconciliation report (`.md` and `.json` are added). */
  readonly report: string
  /** One ledger transaction per record instead of per batch. */
  readonly perRecord: boolean
  /** Records per ledger transaction (`--batch-size`, default the sink's 200). */
  readonly batchSize: number | null
  readonly full: boolean
  readonly pageSize: number | null
  readonly customers: CustomerSelection | null
  readonly defaultCurrency: CurrencyCode | null
  readonly customerCurrencies: Readonly<Record<string, CurrencyCode>>
  /** The operator's balances file (`--balances`), parsed and checked; null when not given. */
  readonly balances: BalancesFile | null
  readonly http: HttpSettings
}

export interface ShadowCommand {
  readonly kind: "shadow"
  readonly vendor: VendorId
  readonly sourceUrl: string
  readonly credentials: Credentials
  readonly paybridgeUrl: string
  readonly paybridgeCredentials: Credentials
  readonly host: string
  readonly port: number
  /** Path prefix of the readiness report (`.md` and `.json` are added). */
  readonly report: string
  readonly reportIntervalMs: number
  readonly ignoreFields: ReadonlyArray<string>
  /** The ledger the migration booked into (`--database-url`): the id mapping comes from its records; null = ids as they are. */
  readonly databaseUrl: string | null
  readonly http: HttpSettings
}

export type Command =
  | ImportCommand
  | ShadowCommand
  | { readonly kind: "help"; readonly text: string }
  | { readonly kind: "error"; readonly message: string }

const vendorList = vendorIds.join("|")

export const usage = (): string =>
  [
    "Usage:",
    `  pnpm migrate -- --from <${vendorList}> --source-url <url> <credentials> [options]`,
    `  pnpm migrate -- shadow --from <vendor> --source-url <url> <credentials> --paybridge-url <url> <--paybridge-… credentials> --listen <port>`,
    "",
    "Credentials, as the vendor's clients use them (each also from PAYBRIDGE_MIGRATE_<FLAG>, e.g. PAYBRIDGE_MIGRATE_PASSWORD):",
    ...vendorIds.map((id) => `  ${id.padEnd(20)} ${vendors[id].auth.usage.join("  |  ")}`),
    "",
    "Import options:",
    "  --database-url <url>          the ledger to book into (default DATABASE_URL, else sqlite:data/paybridge.db)",
    "  --dry-run                     read and compare with the checkpoint; book nothing",
    "  --checkpoint <db|file>        where the run's progress is kept: db = the ledger database (default when",
    "                                booking), or a JSON file (default migrate-<vendor>.checkpoint.json with --dry-run/--out)",
    "  --out <file.jsonl>            export new and changed records to a JSON-lines file instead of booking",
    "  --report <path>               reconciliation report path without extension (default migrate-<vendor>-reconciliation)",
    "  --per-record                  one ledger transaction per record (default: one per batch)",
    "  --batch-size <n>              records per ledger transaction (default 200, 1–5000)",
    "  --full                        ignore watermarks: read everything, keep what changed",
    "  --customers <list>            customers to read (billing-platform-uk, crm-com): ids, ranges 1-500, @file",
    "  --currency <ISO>              currency of customers whose vendor shows none",
    "  --customer-currency <id=ISO,…|@file>  per-customer currencies",
    "  --balances <file.csv|file.json>  customers' balances from the vendor's report (header customer,currency,balance;",
    "                                balance in ISO 4217 units, signed as the vendor shows it): what the imported",
    "                                records do not give is booked as a balance brought forward",
    "  --balance-sign <owed-positive|credit-positive>  how the balances file is signed (default: as the vendor",
    "                                shows balances; Elevate credit-positive, the others owed-positive)",
    "  --page-size <n>               records per page where the vendor lets the client choose",
    "  --concurrency <n>             requests (and customer streams) at once, 1–32 (default 4)",
    "  --timeout <seconds>           per request attempt (default 60)",
    "  --max-attempts <n>            attempts per request before giving up (default 8)",
    "",
    "Shadow options:",
    "  --paybridge-url <url>         the Paybridge dialect's base URL (e.g. http://paybridge:3000/silver)",
    "  --listen <port>               where clients are pointed (--host, default 127.0.0.1)",
    "  --report <path>               readiness report path without extension (default shadow-<vendor>-report)",
    "  --report-interval <seconds>   rewrite the report this often (default 30)",
    "  --ignore-field <path>         a volatile field to ignore, e.g. items[].created (repeatable)",
    "  --database-url <url>          the ledger the migration booked into: vendor ids are mapped to the",
    "                                objects it booked (without it, ids are compared as they are)"
  ].join("\n")

const stringOption = { type: "string" } as const
const options = {
  help: { type: "boolean", short: "h" },
  from: stringOption,
  "source-url": stringOption,
  "dry-run": { type: "boolean" },
  checkpoint: stringOption,
  out: stringOption,
  "database-url": stringOption,
  "per-record": { type: "boolean" },
  "batch-size": stringOption,
  full: { type: "boolean" },
  customers: stringOption,
  currency: stringOption,
  "customer-currency": stringOption,
  balances: stringOption,
  "balance-sign": stringOption,
  "page-size": stringOption,
  concurrency: stringOption,
  timeout: stringOption,
  "max-attempts": stringOption,
  "paybridge-url": stringOption,
  listen: stringOption,
  host: stringOption,
  report: stringOption,
  "report-interval": stringOption,
  "ignore-field": { type: "string", multiple: true },
  ...Object.fromEntries(credentialFlags.map((flag) => [flag, stringOption])),
  ...Object.fromEntries(credentialFlags.map((flag) => [`paybridge-${flag}`, stringOption]))
} as const

export interface CliEnvironment {
  readonly env: Readonly<Record<string, string | undefined>>
  readonly cwd: string
  /** Reads an `@file` argument (resolved path). */
  readonly readText: (path: string) => string
}

const integer = (value: string | undefined, name: string, min: number, max: number, problems: Array<string>) => {
  if (value === undefined) return null
  if (!/^\d+$/u.test(value) || Number(value) < min || Number(value) > max) {
    problems.push(`--${name} must be a whole number from ${min} to ${max}`)
    return null
  }
  return Number(value)
}

const validUrl = (value: string | undefined, name: string, problems: Array<string>): string | null => {
  if (value === undefined) {
    problems.push(`--${name} is required`)
    return null
  }
  try {
    const url = new URL(value)
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("not http")
    return value
  } catch {
    problems.push(`--${name} must be an http(s) URL: ${value}`)
    return null
  }
}

/** Entries of a list argument: comma/whitespace separated, `@file` replaced by the file's lines (`#` comments). */
const listEntries = (spec: string, environment: CliEnvironment, problems: Array<string>): Array<string> => {
  const entries: Array<string> = []
  for (const token of spec.split(/[\s,]+/u).filter((part) => part !== "")) {
    if (!token.startsWith("@")) {
      entries.push(token)
      continue
    }
    try {
      const text = environment.readText(resolvePath(token.slice(1), environment))
      for (const line of text.split("\n")) {
        const content = line.replace(/#.*$/u, "").trim()
        if (content !== "") entries.push(...content.split(/[\s,]+/u).filter((part) => part !== ""))
      }
    } catch (error) {
      problems.push(`cannot read ${token}: ${(error as Error).message}`)
    }
  }
  return entries
}

/** `1,5,7-9,@file` → ids in order; ranges expand to probed ids. */
export const parseCustomerSelection = (
  spec: string,
  environment: CliEnvironment,
  problems: Array<string>
): CustomerSelection => {
  const selection: Array<{ id: string; probe: boolean }> = []
  const seen = new Set<string>()
  const add = (id: string, probe: boolean) => {
    if (seen.has(id)) return
    seen.add(id)
    selection.push({ id, probe })
  }
  for (const entry of listEntries(spec, environment, problems)) {
    const range = /^(\d+)-(\d+)$/u.exec(entry)
    if (range === null) {
      add(entry, false)
      continue
    }
    const from = Number(range[1])
    const to = Number(range[2])
    if (to < from || to - from > 1_000_000) {
      problems.push(`--customers: bad range ${entry}`)
      continue
    }
    for (let id = from; id <= to; id++) add(String(id), true)
  }
  if (selection.length === 0) problems.push("--customers names no customer")
  return selection
}

const parseCurrencies = (spec: string, environment: CliEnvironment, problems: Array<string>) => {
  const currencies: Record<string, CurrencyCode> = {}
  for (const entry of listEntries(spec.replaceAll(";", ","), environment, problems)) {
    const match = /^([^=:]+)[=:]([A-Za-z]{3})$/u.exec(entry)
    const currency = match?.[2] === undefined ? null : currencyOf(match[2])
    if (match?.[1] === undefined || currency === null) {
      problems.push(`--customer-currency: expected <customer id>=<ISO 4217 code>, got ${entry}`)
      continue
    }
    currencies[match[1]] = currency
  }
  return currencies
}

export const resolvePath = (path: string, environment: CliEnvironment): string =>
  isAbsolute(path) ? path : resolve(environment.env.INIT_CWD ?? environment.cwd, path)

/** A `sqlite:<relative path>` URL resolved like the other paths (against the directory pnpm was started in). */
const sqliteUrlIn = (url: string, environment: CliEnvironment): string => {
  const match = /^(sqlite:|file:)(?!\/\/)(.+)$/u.exec(url)
  if (match === null || match[2] === ":memory:") return url
  return `sqlite:${resolvePath(match[2] ?? "", environment)}`
}

export const parseCommandLine = (argv: ReadonlyArray<string>, environment: CliEnvironment): Command => {
  const args = argv[0] === "--" ? argv.slice(1) : [...argv]
  let values: Readonly<Record<string, string | boolean | ReadonlyArray<string> | undefined>>
  let positionals: ReadonlyArray<string>
  try {
    ;({ values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true }))
  } catch (error) {
    return { kind: "error", message: `${(error as Error).message}\n\n${usage()}` }
  }
  const text = (name: string): string | undefined => {
    const value = values[name]
    return typeof value === "string" ? value : undefined
  }
  if (values.help === true) return { kind: "help", text: usage() }
  const problems: Array<string> = []
  const subcommand = positionals[0] ?? "import"
  if (positionals.length > 1 || (subcommand !== "import" && subcommand !== "shadow")) {
    problems.push(`unexpected argument(s): ${positionals.join(" ")} (the only subcommand is "shadow")`)
  }

  const from = text("from")
  const vendor = from !== undefined && isVendorId(from) ? from : null
  if (from === undefined) problems.push(`--from is required (${vendorList})`)
  else if (vendor === null) problems.push(`--from must be one of ${vendorList}, not ${from}`)
  const sourceUrl = validUrl(text("source-url"), "source-url", problems)
  const credentials = credentialsFrom(values, environment.env)
  if (vendor !== null) {
    const session = vendors[vendor].auth.session(credentials)
    if ("error" in session) problems.push(session.error)
  }
  const http: HttpSettings = {
    concurrency: integer(text("concurrency"), "concurrency", 1, 32, problems) ?? 4,
    timeoutMs: (integer(text("timeout"), "timeout", 1, 3600, problems) ?? 60) * 1000,
    maxAttempts: integer(text("max-attempts"), "max-attempts", 1, 100, problems) ?? 8
  }
  const finish = <C extends Command>(command: C): Command =>
    problems.length > 0 ? { kind: "error", message: `${problems.join("\n")}\n\n${usage()}` } : command

  const importOnly = [
    "dry-run",
    "checkpoint",
    "out",
    "full",
    "customers",
    "currency",
    "customer-currency",
    "balances",
    "balance-sign",
    "page-size",
    "per-record",
    "batch-size"
  ]
  const shadowOnly = ["paybridge-url", "listen", "host", "report-interval", "ignore-field"]
  const given = (names: ReadonlyArray<string>) => names.filter((name) => values[name] !== undefined)
  const paybridgeFlags = credentialFlags.map((flag) => `paybridge-${flag}`)

  if (subcommand === "shadow") {
    for (const name of given(importOnly)) problems.push(`--${name} is an import option, not a shadow option`)
    const paybridgeUrl = validUrl(text("paybridge-url"), "paybridge-url", problems)
    const paybridgeCredentials = credentialsFrom(values, environment.env, "paybridge-")
    if (vendor !== null) {
      const session = vendors[vendor].auth.session(paybridgeCredentials)
      if ("error" in session) problems.push(`Paybridge side: ${session.error.replace(/--/gu, "--paybridge-")}`)
    }
    const port = integer(text("listen"), "listen", 0, 65535, problems)
    if (text("listen") === undefined) problems.push("--listen <port> is required")
    return finish({
      kind: "shadow",
      vendor: vendor ?? "silver",
      sourceUrl: sourceUrl ?? "",
      credentials,
      paybridgeUrl: paybridgeUrl ?? "",
      paybridgeCredentials,
      host: text("host") ?? "127.0.0.1",
      port: port ?? 0,
      report: resolvePath(text("report") ?? `shadow-${vendor ?? "vendor"}-report`, environment),
      reportIntervalMs: (integer(text("report-interval"), "report-interval", 1, 86_400, problems) ?? 30) * 1000,
      ignoreFields: Array.isArray(values["ignore-field"]) ? values["ignore-field"] : [],
      databaseUrl: text("database-url") === undefined ? null : sqliteUrlIn(text("database-url") ?? "", environment),
      http
    })
  }

  for (const name of [...given(shadowOnly), ...given(paybridgeFlags)]) {
    problems.push(`--${name} is a shadow option (pnpm migrate -- shadow …)`)
  }
  const customerSpec = text("customers")
  const customers = customerSpec === undefined ? null : parseCustomerSelection(customerSpec, environment, problems)
  if (vendor !== null && vendors[vendor].needsCustomerList && customers === null) {
    problems.push(
      `${vendors[vendor].title}'s API cannot list customers: name them with --customers (ids, ranges a-b, @file)`
    )
  }
  if (vendor !== null && !vendors[vendor].needsCustomerList && customers !== null) {
    problems.push(`--customers is not used for ${vendors[vendor].title} (its API lists customers)`)
  }
  const defaultCurrency = text("currency") === undefined ? null : currencyOf(text("currency"))
  if (text("currency") !== undefined && defaultCurrency === null) {
    problems.push(`--currency must be an ISO 4217 code, not ${text("currency")}`)
  }
  const dryRun = values["dry-run"] === true
  const out = text("out")
  const booking = !dryRun && out === undefined
  const checkpoint = text("checkpoint") ?? (booking ? "db" : `migrate-${vendor ?? "vendor"}.checkpoint.json`)
  if (checkpoint === "db" && out !== undefined) {
    problems.push("--out exports records without booking them: keep its checkpoint in a file (--checkpoint <file>)")
  }
  const databaseUrl = text("database-url") ?? environment.env.DATABASE_URL ?? "sqlite:data/paybridge.db"
  const currencySpec = text("customer-currency")
  const balancesPath = text("balances")
  let balances: BalancesFile | null = null
  if (balancesPath !== undefined) {
    const path = resolvePath(balancesPath, environment)
    try {
      const parsed = parseBalancesFile(balancesPath, environment.readText(path))
      if ("problems" in parsed) problems.push(...parsed.problems)
      else balances = parsed.file
    } catch (error) {
      problems.push(`--balances: cannot read ${balancesPath}: ${(error as Error).message}`)
    }
    if (out !== null && out !== undefined) problems.push("--balances books balances: it cannot be used with --out")
  }
  const signText = text("balance-sign")
  if (signText !== undefined) {
    if (signText !== "owed-positive" && signText !== "credit-positive") {
      problems.push(`--balance-sign must be owed-positive or credit-positive, not ${signText}`)
    } else if (balancesPath === undefined)
      problems.push("--balance-sign says how the --balances file is signed: give --balances")
    else if (balances !== null) balances = { ...balances, sign: signText }
  }
  return finish({
    kind: "import",
    vendor: vendor ?? "silver",
    sourceUrl: sourceUrl ?? "",
    credentials,
    dryRun,
    checkpoint: checkpoint === "db" ? "db" : resolvePath(checkpoint, environment),
    out: out === undefined ? null : resolvePath(out, environment),
    databaseUrl: sqliteUrlIn(databaseUrl, environment),
    report: resolvePath(text("report") ?? `migrate-${vendor ?? "vendor"}-reconciliation`, environment),
    perRecord: values["per-record"] === true,
    batchSize: integer(text("batch-size"), "batch-size", 1, 5000, problems),
    full: values.full === true,
    pageSize: integer(text("page-size"), "page-size", 1, 10_000, problems),
    customers,
    defaultCurrency,
    customerCurrencies: currencySpec === undefined ? {} : parseCurrencies(currencySpec, environment, problems),
    balances,
    http
  })
}
