/**
 * What every console form dialog gives its mutation: one idempotency key for the dialog's life (a
 * repeated submit is applied once), and on success every query refreshed before the dialog closes.
 */
import { useQueryClient } from "@tanstack/react-query"
import { useState } from "react"
import { newIdempotencyKey, withIdempotencyKey } from "./trpc.ts"

export const useDialogMutationOptions = (onClose: () => void) => {
  const queryClient = useQueryClient()
  const [idempotencyKey] = useState(newIdempotencyKey)
  return {
    trpc: withIdempotencyKey(idempotencyKey),
    onSuccess: async () => {
      await queryClient.invalidateQueries()
      onClose()
    }
  }
}
