/**
 * Migrates one vendor's view of a source server into a ledger (the CLI's wiring without the
 * process): the vendor's reader over HTTP, the ledger sink and the checkpoint in the ledger
 * database. What the migration tests and the scale script share.
 */
import { ledgerCheckpoint } from "../../src/booking/ledger.checkpoint.ts"
import { type LedgerSink, ledgerSink } from "../../src/booking/ledger.sink.ts"
import type { Ledger } from "../../src/booking/ledger-runtime.ts"
import type { RunSummary } from "../../src/checkpoint/checkpoint.ts"
import type { BalancesFile, ResolvedBalance } from "../../src/import/balances-file.ts"
import { runImport } from "../../src/import/import-run.ts"
import type { VendorId } from "../../src/sources/source-model.ts"
import type { ReaderOptions } from "../../src/sources/source-reader.ts"
import type { Credentials } from "../../src/sources/vendor-auth.ts"
import { vendors } from "../../src/sources/vendors.ts"
import { fastHttp, readerOptions } from "./read-source.ts"

export interface Migration {
  readonly summary: RunSummary
  readonly sink: LedgerSink
  /** The balances file's rows as the run resolved them (empty without one). */
  readonly balances: ReadonlyArray<ResolvedBalance>
}

export const migrateInto = async (
  ledger: Ledger,
  vendor: VendorId,
  sourceUrl: string,
  credentials: Credentials,
  options: {
    readonly reader?: Partial<ReaderOptions>
    /** Interrupts the run (as Ctrl-C does) once the sink has written this many batches. */
    readonly interruptAfterBatches?: number
    readonly batchUnit?: boolean
    /** Records per ledger transaction on the bulk path. */
    readonly batchSize?: number
    /** Per source request (default 5 s). */
    readonly timeoutMs?: number
    /** `false`: no `LedgerUnits.bulkImport` per customer run (the sink's `customerBulk`). */
    readonly customerBulk?: boolean
    /** The operator's balances file (`--balances`). */
    readonly balances?: BalancesFile
  } = {}
): Promise<Migration> => {
  const controller = new AbortController()
  let batches = 0
  let balances: ReadonlyArray<ResolvedBalance> = []
  const checkpoint = ledgerCheckpoint(ledger)
  const sink = await ledgerSink({
    ledger,
    checkpoint,
    vendor,
    vendorTitle: vendors[vendor].title,
    ...(options.batchUnit === undefined ? {} : { batchUnit: options.batchUnit }),
    ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
    ...(options.customerBulk === undefined ? {} : { customerBulk: options.customerBulk })
  })
  const counting: LedgerSink = {
    ...sink,
    write: async (records, batch) => {
      await sink.write(records, batch)
      if (++batches === options.interruptAfterBatches) controller.abort(new Error("interrupted by the test"))
    }
  }
  const summary = await runImport({
    vendor: vendors[vendor],
    source: sourceUrl,
    http: fastHttp(vendor, sourceUrl, credentials, [], options.timeoutMs),
    reader: readerOptions(options.reader),
    checkpoint,
    sink: counting,
    signal: controller.signal,
    balances: options.balances ?? null,
    onBalances: (rows) => {
      balances = rows
    }
  })
  return { summary, sink, balances }
}
