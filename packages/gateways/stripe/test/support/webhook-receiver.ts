/**
 * A webhook endpoint for tests, shaped like the one the wiring change will mount: it hands the raw
 * body and `Stripe-Signature` header to `verifyWebhook`, answers 400 to anything unverified and
 * 200 otherwise, and applies the duplicate / out-of-order rule (`decideEvent`) per gateway object,
 * keeping what a ledger would: the processed event ids and the last applied state per reference.
 */
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { Effect } from "effect"
import type { GatewayDriver, GatewayEvent } from "../../src/gateway-driver.ts"
import { type AppliedEvent, decideEvent, type EventDecision } from "../../src/gateway-event-order.ts"

export interface ReceivedDelivery {
  readonly status: 200 | 400
  readonly event: GatewayEvent | null
  readonly decision: EventDecision | "invalid"
  readonly reason?: string
}

export class WebhookReceiver {
  readonly deliveries: Array<ReceivedDelivery> = []
  readonly processed = new Set<string>()
  readonly applied = new Map<string, AppliedEvent>()
  private readonly server: Server

  private constructor(driver: GatewayDriver) {
    this.server = createServer(async (request, response) => {
      const chunks: Array<Buffer> = []
      for await (const chunk of request) chunks.push(chunk as Buffer)
      const header = request.headers["stripe-signature"]
      const verified = await Effect.runPromise(
        Effect.result(
          driver.verifyWebhook(
            Buffer.concat(chunks).toString("utf8"),
            typeof header === "string" ? header : "",
            new Date()
          )
        )
      )
      const delivery =
        verified._tag === "Failure" ? this.reject(verified.failure.reason) : this.accept(verified.success)
      this.deliveries.push(delivery)
      response.writeHead(delivery.status).end()
    })
  }

  static async start(driver: GatewayDriver): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver(driver)
    await new Promise<void>((resolve) => receiver.server.listen(0, "127.0.0.1", resolve))
    return receiver
  }

  get url(): URL {
    return new URL(`http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhooks/stripe`)
  }

  private reject(reason: string): ReceivedDelivery {
    return { status: 400, event: null, decision: "invalid", reason }
  }

  private accept(event: GatewayEvent): ReceivedDelivery {
    if (!("reference" in event)) {
      const duplicate = this.processed.has(event.eventId)
      this.processed.add(event.eventId)
      return { status: 200, event, decision: duplicate ? "duplicate" : "apply" }
    }
    const incoming: AppliedEvent = {
      eventId: event.eventId,
      createdAt: event.createdAt,
      objectStatus: event.objectStatus,
      final: event.final
    }
    const decision = decideEvent(incoming, this.applied.get(event.reference), this.processed.has(event.eventId))
    this.processed.add(event.eventId)
    if (decision === "apply") this.applied.set(event.reference, incoming)
    return { status: 200, event, decision }
  }

  async close(): Promise<void> {
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }
}
