/**
 * `pnpm test:money [--runs N] [--seed S] [--postgres]`: the money model test (issue 12) with as
 * many sequences as asked (default 5000) — the SQLite suite, or with `--postgres` the PostgreSQL
 * one (`TEST_DATABASE_URL`). A fixed `--seed` replays a reported run. Runs Vitest in apps/api with
 * `MONEY_RUNS` / `MONEY_PG_RUNS` / `MONEY_SEED` set; exits with Vitest's status.
 */
import { spawnSync } from "node:child_process"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { parseArgs } from "node:util"

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "5000" },
    seed: { type: "string" },
    postgres: { type: "boolean", default: false }
  }
})
const runs = Number(values.runs)
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`--runs must be a positive whole number, not ${values.runs}`)
  process.exit(2)
}
if (values.seed !== undefined && !Number.isInteger(Number(values.seed))) {
  console.error(`--seed must be a whole number, not ${values.seed}`)
  process.exit(2)
}
const appDir = join(dirname(fileURLToPath(import.meta.url)), "..")
const file = values.postgres ? "test/money/money.postgres.test.ts" : "test/money/money.sqlite.test.ts"
const result = spawnSync("pnpm", ["exec", "vitest", "run", file], {
  cwd: appDir,
  stdio: "inherit",
  env: {
    ...process.env,
    [values.postgres ? "MONEY_PG_RUNS" : "MONEY_RUNS"]: String(runs),
    ...(values.seed === undefined ? {} : { MONEY_SEED: values.seed })
  }
})
process.exit(result.status ?? 1)
