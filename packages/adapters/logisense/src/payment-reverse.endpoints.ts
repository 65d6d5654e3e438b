/**
 * LogiSense `Payment/Reverse` and `Payment/Reverse/Vendor` (contract proposed in vendor-notes §3.5):
 * `{paymentId, amount?, date?, detail?}` reverses an offline payment (Reverse) or a gateway payment
 * through its gateway (Reverse/Vendor), partly and repeatedly within the unreversed amount, and
 * answers the reversal row (negative identity). The reversal command, shared with `POST Payment/`
 * and PATCH items that carry `reversePaymentId`, is in `payment-writes.transformers.ts`.
 */
import { type Endpoint, endpoint } from "@paybridge/adapter-kit"
import { Effect } from "effect"
import { trackingIdOf } from "./logisense.errors.ts"
import { LogisenseChange, LogisensePayment, LogisenseReverseBody, paymentPath } from "./logisense.schemas.ts"
import { atomic, change, proven } from "./logisense.transformers.ts"
import { makeResolver } from "./payment-resolver.transformers.ts"
import { reversalRowOf, reversePayment } from "./payment-writes.transformers.ts"

/**
 * POST Reverse and Reverse/Vendor: books one reversal. Offline it is one atomic unit; through the
 * gateway it cannot be (the gateway is called only after the refund attempt is committed, outside
 * any transaction), so the gateway reversal is its own idempotent command and the answer is built
 * after the gateway answered.
 */
const reverseHandler =
  (operation: string, throughGateway: boolean) =>
  ({ body, requestId }: { body: typeof LogisenseReverseBody.Type; requestId: string }) => {
    const work = Effect.gen(function* () {
      const booked = yield* reversePayment(yield* makeResolver, body, throughGateway)
      return change(trackingIdOf(requestId), "create", [yield* reversalRowOf(yield* makeResolver, booked)])
    })
    return throughGateway ? work : atomic(operation, body, work)
  }

export const paymentReverseEndpoints: ReadonlyArray<Endpoint> = [
  endpoint({
    method: "POST",
    path: `${paymentPath}/Reverse`,
    operationId: "reversePayment",
    summary: "Reverse an offline payment, fully or partly (body: paymentId, amount?, date?, detail?)",
    tags: ["Payment"],
    request: { body: LogisenseReverseBody },
    responses: { 200: { description: "The reversal row", schema: LogisenseChange("create", LogisensePayment) } },
    tests: proven(
      "changes",
      "reverses partially and repeatedly within the unreversed amount",
      "refuses reversing an offline payment not yet issued to an invoice"
    ),
    implemented: true,
    handler: reverseHandler("reversePayment", false)
  }),
  endpoint({
    method: "POST",
    path: `${paymentPath}/Reverse/Vendor`,
    operationId: "reversePaymentVendor",
    summary: "Reverse a gateway payment through its gateway (same body as Reverse)",
    tags: ["Payment"],
    request: { body: LogisenseReverseBody },
    responses: { 200: { description: "The reversal row", schema: LogisenseChange("create", LogisensePayment) } },
    tests: proven(
      "changes",
      "reverses a gateway payment through the gateway and refuses offline payments",
      "a gateway that declines the reversal changes nothing"
    ),
    implemented: true,
    handler: reverseHandler("reversePaymentVendor", true)
  })
]
