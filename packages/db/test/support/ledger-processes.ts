/**
 * "API processes" for the ledger concurrency tests. A process is the real Ledger service (with the
 * Authenticator and the test gateway) on its own `openDatabase` connection(s) to a shared database.
 * Commands are plain data (operation, input, command context) so the same batch can run in this
 * process or in a separate OS process (`ledger-process.worker.ts`); each command's outcome comes
 * back as JSON: the encoded `PaymentDetail` or the ledger error's tag, reason and message.
 *
 * `runConcurrently` hands a batch to several processes at once: commands are dealt out round-robin,
 * worker processes first get their share and report that their database is open, then every process
 * starts at the same moment and runs its share with unbounded concurrency.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process"
import { createInterface } from "node:readline"
import {
  type AllocatePaymentInput,
  type Authenticator,
  authenticatorLayerWith,
  CommandContext,
  type CommandContextShape,
  type CreatePaymentInput,
  Documents,
  type LedgerError,
  type LedgerServices,
  type LedgerStore,
  ledgerLayer,
  PaymentDetail,
  PaymentGateways,
  Payments,
  type ReinstateReversalInput,
  type ReversePaymentInput,
  testKdfCost
} from "@paybridge/core"
import { Effect, Layer, ManagedRuntime, Schema } from "effect"
import { type Database, openDatabase } from "../../src/index.ts"

/** One ledger command as data: what to do, with which input, in which command context. */
export type LedgerCommand = { readonly context: CommandContextShape } & (
  | { readonly operation: "createPayment"; readonly input: CreatePaymentInput }
  | { readonly operation: "allocatePayment"; readonly input: AllocatePaymentInput }
  | { readonly operation: "reversePayment"; readonly input: ReversePaymentInput }
  | { readonly operation: "reinstateReversal"; readonly input: ReinstateReversalInput }
)

/** What came back: the payment detail (JSON-encoded) or the ledger error. */
export type CommandOutcome =
  | { readonly _tag: "Success"; readonly detail: unknown }
  | {
      readonly _tag: "Failure"
      readonly error: { readonly _tag: LedgerError["_tag"]; readonly reason: string | null; readonly message: string }
    }

const paymentDetailJson = Schema.toCodecJson(PaymentDetail)

/** Decodes a successful outcome's payment detail. */
export const detailOf = (outcome: CommandOutcome): PaymentDetail => {
  if (outcome._tag !== "Success")
    throw new Error(`expected a success, got ${outcome.error._tag}: ${outcome.error.message}`)
  return Schema.decodeUnknownSync(paymentDetailJson)(outcome.detail)
}

/** Runs one command through the Ledger and turns its result into an outcome (never fails). */
export const executeCommand = (command: LedgerCommand): Effect.Effect<CommandOutcome, never, LedgerServices> =>
  Effect.gen(function* () {
    const payments = yield* Payments
    const documents = yield* Documents
    const run =
      command.operation === "createPayment"
        ? payments.createPayment(command.input)
        : command.operation === "allocatePayment"
          ? documents.allocatePayment(command.input)
          : command.operation === "reversePayment"
            ? payments.reversePayment(command.input)
            : payments.reinstateReversal(command.input)
    return yield* run.pipe(
      Effect.flatMap((detail) => Effect.orDie(Schema.encodeEffect(paymentDetailJson)(detail))),
      Effect.map((detail): CommandOutcome => ({ _tag: "Success", detail })),
      Effect.catch((error) =>
        Effect.succeed<CommandOutcome>({
          _tag: "Failure",
          error: { _tag: error._tag, reason: error._tag === "Conflict" ? error.reason : null, message: error.message }
        })
      ),
      Effect.provideService(CommandContext, CommandContext.of(command.context))
    )
  })

export type ProcessServices = LedgerServices | Authenticator | LedgerStore | Database

/** The layer of one API process on the database at `url` (a cheap KDF: tests create users). */
export const processLayer = (url: string, poolSize = 10) =>
  Layer.mergeAll(ledgerLayer, authenticatorLayerWith({ kdfCost: testKdfCost })).pipe(
    Layer.provide(PaymentGateways.layerTest),
    Layer.provideMerge(openDatabase({ url, poolSize, busyTimeoutMs: 30_000 })),
    Layer.orDie
  )

export type ProcessRuntime = ManagedRuntime.ManagedRuntime<ProcessServices, never>

/** Opens an API process in this OS process (its database connection is open when this resolves). */
export const openProcess = async (url: string, poolSize = 10): Promise<ProcessRuntime> => {
  const runtime = ManagedRuntime.make(processLayer(url, poolSize))
  await runtime.context()
  return runtime
}

/**
 * One participant of a concurrent run: it receives its share of the commands, gets ready (a worker
 * process opens its database), and then `start` runs the share and reports each command's outcome.
 */
export interface Participant {
  readonly name: string
  readonly prepare: (commands: ReadonlyArray<LedgerCommand>) => Promise<{
    readonly start: () => Promise<ReadonlyArray<CommandOutcome>>
  }>
}

/** A participant running in this OS process on `runtime` (its own database connection or pool). */
export const inProcess = (name: string, runtime: ProcessRuntime): Participant => ({
  name,
  prepare: async (commands) => ({
    start: () => runtime.runPromise(Effect.all(commands.map(executeCommand), { concurrency: "unbounded" }))
  })
})

const workerScript = new URL("./ledger-process.worker.ts", import.meta.url).pathname

/** A participant that is a separate OS process (`ledger-process.worker.ts`) on the database at `url`. */
export const workerProcess = (name: string, url: string): Participant => ({
  name,
  prepare: (commands) =>
    new Promise((resolveReady, rejectReady) => {
      const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [workerScript, url], {
        stdio: ["pipe", "pipe", "pipe"]
      })
      let stderr = ""
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString("utf8")
      })
      let ready = false
      let report: ((outcomes: ReadonlyArray<CommandOutcome>) => void) | undefined
      let fail: ((error: Error) => void) | undefined
      const outcomes = new Promise<ReadonlyArray<CommandOutcome>>((resolve, reject) => {
        report = resolve
        fail = reject
      })
      // Keep an unhandled rejection from surfacing before `start` is called.
      outcomes.catch(() => {})
      createInterface({ input: child.stdout }).on("line", (line) => {
        if (line === "ready") {
          ready = true
          resolveReady({
            start: () => {
              child.stdin.end("go\n")
              return outcomes
            }
          })
        } else if (line.startsWith("{")) {
          report?.((JSON.parse(line) as { outcomes: ReadonlyArray<CommandOutcome> }).outcomes)
        }
      })
      child.on("exit", (code) => {
        const error = new Error(`worker ${name} exited with ${String(code)}: ${stderr}`)
        if (!ready) rejectReady(error)
        else if (code !== 0) fail?.(error)
      })
      child.stdin.write(`${JSON.stringify(commands)}\n`)
    })
})

/**
 * Deals `commands` round-robin to the participants, lets each get ready, then starts them all at
 * once; returns every command's outcome in the order of `commands`.
 */
export const runConcurrently = async (
  participants: ReadonlyArray<Participant>,
  commands: ReadonlyArray<LedgerCommand>
): Promise<ReadonlyArray<CommandOutcome>> => {
  const shares = participants.map((_, index) =>
    commands.filter((_, position) => position % participants.length === index)
  )
  const prepared = await Promise.all(participants.map((participant, index) => participant.prepare(shares[index] ?? [])))
  const results = await Promise.all(prepared.map((ready) => ready.start()))
  return commands.map((_, position) => {
    const outcome = results[position % participants.length]?.[Math.floor(position / participants.length)]
    if (outcome === undefined) throw new Error(`no outcome for command ${position}`)
    return outcome
  })
}
