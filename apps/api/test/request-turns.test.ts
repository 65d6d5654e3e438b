/**
 * Requests start in budgeted event-loop turns, first come first served (`request-turns.ts`). With a
 * clock the test moves: calls start in the order they were made, a turn starts requests only until
 * its budget is spent (the first always), the rest start in later turns ahead of anything that
 * arrived meanwhile, and answers and failures reach their own callers. Over real sockets, with a
 * handler that works synchronously for longer than the budget (as a SQLite list does): while sixteen
 * kept-alive connections keep a server busy, sixteen connections opened at once are all accepted
 * and answered before any busy connection has been answered four more times (twice, in fact). The
 * same server calling the handler directly serves every waiting request in each turn and accepts
 * one connection per turn: the busy connections were answered 9–12 times each meanwhile.
 */
import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { afterEach, describe, expect, it } from "vitest"
import { inBudgetedTurns } from "../src/request-turns.ts"

/** Counts event-loop turns: one tick per check phase while `stop` is not called. */
const turnCounter = () => {
  let turn = 0
  let running = true
  const tick = () => {
    turn += 1
    if (running) setImmediate(tick)
  }
  setImmediate(tick)
  return {
    current: () => turn,
    stop: () => {
      running = false
    }
  }
}

describe("inBudgetedTurns", () => {
  it("starts calls in their order, as many per turn as the budget allows, later arrivals after the waiting ones", async () => {
    let clock = 0
    const turns = turnCounter()
    const started: Array<{ readonly call: string; readonly turn: number }> = []
    const pending: Array<Promise<string>> = []
    const handle = inBudgetedTurns(
      (call: string) => {
        started.push({ call, turn: turns.current() })
        clock += 1 // each start takes 1 ms of the 2 ms budget
        // A new call while d and e wait (c started in a later turn): it must queue behind them.
        if (call === "c") pending.push(handle("late"))
        return `answer ${call}`
      },
      { budgetMs: 2, now: () => clock }
    )
    const answers = await Promise.all(["a", "b", "c", "d", "e"].map((call) => handle(call)))
    await Promise.all(pending)
    turns.stop()

    expect(answers).toEqual(["answer a", "answer b", "answer c", "answer d", "answer e"])
    expect(await pending[0]).toBe("answer late")
    expect(started.map((entry) => entry.call)).toEqual(["a", "b", "c", "d", "e", "late"])
    const turnOf = (call: string) => started.find((entry) => entry.call === call)?.turn
    expect(turnOf("a")).toBe(turnOf("b"))
    expect(turnOf("c")).toBeGreaterThan(turnOf("b") ?? Number.POSITIVE_INFINITY)
    expect(turnOf("c")).toBe(turnOf("d"))
    expect(turnOf("e")).toBeGreaterThan(turnOf("d") ?? Number.POSITIVE_INFINITY)
  })

  it("starts the first call of a turn however long it takes, and starts every waiting call eventually", async () => {
    let clock = 0
    const order: Array<number> = []
    const handle = inBudgetedTurns(
      (call: number) => {
        order.push(call)
        clock += 50 // every call overruns the budget: one per turn
        return call
      },
      { budgetMs: 2, now: () => clock }
    )
    const calls = Array.from({ length: 200 }, (_, index) => index) // more than the starters kept at once
    expect(await Promise.all(calls.map((call) => handle(call)))).toEqual(calls)
    expect(order).toEqual(calls)
  })

  it("hands each caller its own failure, thrown or rejected, and goes on with the next calls", async () => {
    const handle = inBudgetedTurns((call: string) => {
      if (call === "throws") throw new Error("thrown")
      if (call === "rejects") return Promise.reject(new Error("rejected"))
      return call
    })
    const [thrown, rejected, fine] = await Promise.allSettled([handle("throws"), handle("rejects"), handle("fine")])
    expect(thrown).toMatchObject({ status: "rejected", reason: { message: "thrown" } })
    expect(rejected).toMatchObject({ status: "rejected", reason: { message: "rejected" } })
    expect(fine).toEqual({ status: "fulfilled", value: "fine" })
  })
})

describe("a busy server with budgeted turns", () => {
  const closers: Array<() => Promise<void>> = []
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close()
  })

  /** Works synchronously for `ms` (longer than the turn budget), as a SQLite list does, then answers. */
  const busyFor = (ms: number) => (_request: IncomingMessage, response: ServerResponse) => {
    const until = performance.now() + ms
    while (performance.now() < until) {
      // the request's synchronous work
    }
    response.end("done")
  }

  const get = (agent: Agent, port: number) =>
    new Promise<void>((resolve, reject) => {
      const call = request({ agent, host: "127.0.0.1", port, path: "/" }, (response) => {
        response.resume()
        response.on("end", () => resolve())
      })
      call.on("error", reject)
      call.end()
    })

  it("accepts and answers a burst of new connections while kept-alive connections keep it busy", async () => {
    const handle = inBudgetedTurns(busyFor(5))
    const server = createServer((incoming, outgoing) => {
      void handle(incoming, outgoing)
    })
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    closers.push(
      () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections()
          server.close(() => resolve())
        })
    )
    const { port } = server.address() as AddressInfo

    // Sixteen kept-alive connections, each sending its next request as soon as it has the answer.
    let burstStarted = false
    let burstDone = false
    const answersDuringBurst = Array.from({ length: 16 }, () => 0)
    const busy = answersDuringBurst.map(async (_, index) => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 })
      closers.push(async () => agent.destroy())
      while (!burstDone) {
        await get(agent, port)
        if (burstStarted && !burstDone) answersDuringBurst[index] = (answersDuringBurst[index] ?? 0) + 1
      }
    })
    // Let them all get going (each has been answered once) before the burst.
    await new Promise((resolve) => setTimeout(resolve, 200))

    burstStarted = true
    const burst = Array.from({ length: 16 }, () => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 })
      closers.push(async () => agent.destroy())
      return get(agent, port)
    })
    await Promise.all(burst)
    burstDone = true
    await Promise.all(busy)

    expect(Math.max(...answersDuringBurst)).toBeLessThan(4)
  })
})
