/**
 * What the CLI needs only when it books or keeps its checkpoint in the ledger: loaded on demand
 * (`await import`), so `--dry-run`, `--out` and `shadow` start without loading the database layer.
 */
export { ledgerCheckpoint, saveRunRecord } from "../booking/ledger.checkpoint.ts"
export { ledgerSink } from "../booking/ledger.sink.ts"
export { openLedger } from "../booking/ledger-runtime.ts"
export { reconcile, reconciliationMarkdown, writeReconciliation } from "../booking/reconciliation.ts"
export { loadShadowIdTable } from "../booking/shadow-id-table.load.ts"
