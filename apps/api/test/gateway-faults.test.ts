/**
 * Fault injection over real processes: the server (Stripe configured against the local stand-in)
 * is killed with SIGKILL at each phase of a charge and of a refund — after the attempt was booked
 * and committed but before the gateway was called, and after the gateway answered but before the
 * answer was recorded. After a restart the reconciler settles the attempt: the stand-in saw exactly
 * one charge (one refund) for the payment, and the ledger agrees with it to the minor unit.
 */
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { createPaybridgeClient, type PaybridgeClient } from "@paybridge/client"
import { StripeStandIn } from "@paybridge/gateway-stripe/testing"
import { afterEach, beforeEach, describe, expect, test } from "vitest"
import { createAdminKey, exited } from "./support/admin-key.ts"
import { type ServerProcess, startServerProcess } from "./support/server-process.ts"

let standIn: StripeStandIn
let dataDir: string
let servers: Array<ServerProcess> = []

beforeEach(async () => {
  standIn = await StripeStandIn.start()
  dataDir = await mkdtemp(join(tmpdir(), "paybridge-faults-"))
  servers = []
})
const stopServer = async (server: ServerProcess) => {
  if (server.child.exitCode === null && server.child.signalCode === null) await server.stop()
}

afterEach(async () => {
  for (const server of servers) await stopServer(server)
  await standIn.close()
  await rm(dataDir, { recursive: true, force: true })
})

const envOf = (extra: Record<string, string> = {}): Record<string, string> => ({
  PAYBRIDGE_DATA_DIR: dataDir,
  LOG_LEVEL: "warn",
  PAYBRIDGE_STRIPE_GATEWAYS: "cards",
  PAYBRIDGE_STRIPE_CARDS_SECRET_KEY: standIn.secretKey,
  PAYBRIDGE_STRIPE_CARDS_WEBHOOK_SECRET: standIn.webhookSecret,
  PAYBRIDGE_STRIPE_CARDS_API_BASE: standIn.url.origin,
  PAYBRIDGE_STRIPE_CARDS_TIMEOUT_MS: "5000",
  GATEWAY_RECONCILE_MIN_AGE: "0 seconds",
  GATEWAY_RECONCILE_INTERVAL: "1 second",
  ...extra
})

const boot = async (extra: Record<string, string> = {}) => {
  const server = await startServerProcess({ dataDir, env: envOf(extra) })
  servers.push(server)
  return server
}

const waitFor = async <A>(read: () => Promise<A>, done: (value: A) => boolean, what: string): Promise<A> => {
  const deadline = Date.now() + 30_000
  for (;;) {
    const value = await read()
    if (done(value)) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`)
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

/** A gateway "cards" (served by Stripe) and a EUR customer. */
const setUp = async (client: PaybridgeClient) => {
  const gateway = await client.gateways.create.mutate({ code: "cards", name: "Cards" })
  const customer = await client.customers.create.mutate({ name: "Faulty Ltd", currency: "EUR" })
  return { gatewayId: gateway.id, customerId: customer.id }
}

const intentsOf = () => [...standIn.state.paymentIntents.values()] as Array<Record<string, unknown>>
const refundsOf = () => [...standIn.state.refunds.values()] as Array<Record<string, unknown>>

describe("SIGKILL between the phases of a charge", () => {
  test.each(["charge:before-call", "charge:after-answer"])(
    "killed at %s: after restart one charge at the gateway, the payment posted for exactly its amount",
    async (phase) => {
      const apiKey = await createAdminKey(envOf())
      const first = await boot({ PAYBRIDGE_FAULT_KILL_AT: phase })
      const client = createPaybridgeClient(first.url, { apiKey })
      const { gatewayId, customerId } = await setUp(client)
      await expect(
        client.payments.create.mutate({ customerId, amount: "12.34", gatewayId, cardToken: "tok_visa" })
      ).rejects.toThrow()
      expect(await exited(first.child)).toBe("SIGKILL")
      expect(intentsOf().length).toBe(phase === "charge:before-call" ? 0 : 1)

      const second = await boot()
      const after = createPaybridgeClient(second.url, { apiKey })
      const page = await waitFor(
        () => after.payments.list.query({ customerId }),
        (found) => found.items[0]?.state === "posted",
        "the reconciler to post the payment"
      )
      const payment = page.items[0]
      expect(page.items.length).toBe(1)
      const intents = intentsOf()
      expect(intents.length).toBe(1)
      expect(intents[0]?.amount).toBe(1234)
      expect(intents[0]?.status).toBe("succeeded")
      expect(payment?.gatewayReference).toBe(intents[0]?.id)
      expect((await after.customers.get.query({ id: customerId })).balance).toBe("1234")
      // The charge went to Stripe with the attempt key derived from the payment.
      const keys = standIn.requestsTo("POST /v1/payment_intents").map((request) => request.idempotencyKey)
      expect(new Set(keys)).toEqual(new Set([`pb_ch_${payment?.publicId}`]))
    },
    120_000
  )
})

describe("SIGKILL between the phases of a refund", () => {
  test.each(["refund:before-call", "refund:after-answer"])(
    "killed at %s: after restart one refund at the gateway and one reversal of exactly its amount",
    async (phase) => {
      const apiKey = await createAdminKey(envOf())
      const healthy = await boot()
      const client = createPaybridgeClient(healthy.url, { apiKey })
      const { gatewayId, customerId } = await setUp(client)
      const paid = await client.payments.create.mutate({
        customerId,
        amount: "20.00",
        gatewayId,
        cardToken: "tok_visa"
      })
      expect(paid.payment.state).toBe("posted")
      await stopServer(healthy)

      const dying = await boot({ PAYBRIDGE_FAULT_KILL_AT: phase })
      const doomed = createPaybridgeClient(dying.url, { apiKey })
      await expect(
        doomed.payments.reverseThroughGateway.mutate({ paymentId: paid.payment.id, amount: "7.50" })
      ).rejects.toThrow()
      expect(await exited(dying.child)).toBe("SIGKILL")
      expect(refundsOf().length).toBe(phase === "refund:before-call" ? 0 : 1)

      const second = await boot()
      const after = createPaybridgeClient(second.url, { apiKey })
      const detail = await waitFor(
        () => after.payments.get.query({ id: paid.payment.id }),
        (found) => found.reversals.length > 0,
        "the reconciler to book the reversal"
      )
      expect(detail.reversals.map((reversal) => reversal.amount)).toEqual(["750"])
      expect(detail.payment.reversedAmount).toBe("750")
      const refunds = refundsOf()
      expect(refunds.length).toBe(1)
      expect(refunds[0]?.amount).toBe(750)
      expect(intentsOf().length).toBe(1)
      expect((await after.customers.get.query({ id: customerId })).balance).toBe("1250")
    },
    120_000
  )
})
