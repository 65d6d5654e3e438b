/**
 * The fault-injecting proxy the reader tests run through: its faults are decided by seed, so the
 * same seed gives the same faults for the same requests whatever their order; it injects each kind
 * at about its rate; and it lets a request through after `maxFaultsPerRequest` faults in a row.
 */
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { afterAll, beforeAll, expect, test } from "vitest"
import { faultFor, startFaultProxy } from "./support/fault-proxy.ts"

let upstream: Server
let target: string
beforeAll(async () => {
  upstream = createServer((request, response) => {
    response.writeHead(200, { "content-type": "application/json" })
    response.end(JSON.stringify({ path: request.url }))
  })
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", () => resolve()))
  target = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => upstream.close(() => resolve())))

const rates = { drop: 0.1, error: 0.1, tooMany: 0.1, slow: 0.1 }

test("the same seed decides the same faults; another seed others; each kind near its rate", () => {
  const draw = (seed: number) =>
    Array.from({ length: 2000 }, (_, n) => faultFor(rates, seed, `GET /page/${n % 50}`, Math.floor(n / 50)))
  expect(draw(1)).toEqual(draw(1))
  expect(draw(2)).not.toEqual(draw(1))
  for (const kind of ["drop", "error", "tooMany", "slow"] as const) {
    const share = draw(1).filter((fault) => fault === kind).length / 2000
    expect(share).toBeGreaterThan(0.06)
    expect(share).toBeLessThan(0.14)
  }
})

test("injects drops, 500s, 429s with Retry-After and slow pages, and lets a request through after its streak", async () => {
  const proxy = await startFaultProxy({
    target,
    seed: 3,
    rates: { drop: 0.3, error: 0.3, tooMany: 0.3 },
    maxFaultsPerRequest: 2
  })
  try {
    const outcomes: Array<string> = []
    for (let n = 0; n < 30; n++) {
      for (let attempt = 1; ; attempt++) {
        const answer = await fetch(`${proxy.url}/page/${n}`).then(
          (response) => `${response.status}${response.headers.get("retry-after") === null ? "" : "+retry-after"}`,
          () => "dropped"
        )
        outcomes.push(answer)
        if (answer === "200") break
        expect(attempt).toBeLessThanOrEqual(2) // the third attempt always goes through
      }
    }
    expect(new Set(outcomes)).toEqual(new Set(["200", "500", "429+retry-after", "dropped"]))
    expect(proxy.stats.forwarded).toBe(30)
    expect(proxy.stats.faults.drop + proxy.stats.faults.error + proxy.stats.faults.tooMany).toBe(outcomes.length - 30)
  } finally {
    await proxy.close()
  }
})
