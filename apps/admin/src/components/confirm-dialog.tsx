/**
 * A modal confirmation for ledger actions: it names the action and its consequence, holds the
 * action's form, and submits only on an explicit confirm. It keeps one idempotency key for its
 * whole life (retrying after a network error re-sends the same key, so the ledger applies the
 * action once); a new dialog gets a new key. Escape or Cancel closes it; focus starts inside it
 * and returns to the button that opened it.
 */
import { type ReactNode, useEffect, useId, useRef } from "react"

export const ConfirmDialog = ({
  title,
  description,
  confirmLabel,
  busy,
  onConfirm,
  onCancel,
  children,
  danger = false
}: {
  title: string
  description: ReactNode
  confirmLabel: string
  busy: boolean
  onConfirm: () => void
  onCancel: () => void
  children?: ReactNode
  danger?: boolean
}) => {
  const titleId = useId()
  const dialogRef = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null
    const first = dialogRef.current?.querySelector<HTMLElement>("input, select, textarea, button")
    first?.focus()
    return () => opener?.focus()
  }, [])
  return (
    <div className="dialog-backdrop">
      <div
        ref={dialogRef}
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        onKeyDown={(event) => {
          if (event.key === "Escape" && !busy) onCancel()
        }}
      >
        <form
          onSubmit={(event) => {
            event.preventDefault()
            if (!busy) onConfirm()
          }}
        >
          <h2 id={titleId}>{title}</h2>
          <div className="dialog-description">{description}</div>
          {children}
          <div className="dialog-buttons">
            <button type="button" onClick={onCancel} disabled={busy}>
              Cancel
            </button>
            <button type="submit" className={danger ? "danger" : "primary"} disabled={busy}>
              {busy ? "Working…" : confirmLabel}
            </button>
          </div>
        </form>
      </div>
    </div>
  )
}
