/** Test helper: run a client call that must fail, and return the tRPC error the client saw. */
import { isPaybridgeClientError, type PaybridgeClientError } from "@paybridge/client"

export const failureOf = async (call: Promise<unknown>): Promise<PaybridgeClientError> => {
  try {
    await call
  } catch (error) {
    if (isPaybridgeClientError(error)) return error
    throw error
  }
  throw new Error("expected the call to fail, but it succeeded")
}
