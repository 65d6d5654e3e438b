/**
 * The signed-in session as the page knows it: who it is (name, role, customer scope) and when it
 * expires, from `session.signIn`, kept in `sessionStorage` so a reload keeps the tab signed in and
 * closing it signs out. The session token itself is never here: the server keeps it in an HttpOnly
 * cookie no script can read, and the page only echoes the CSRF token of the readable
 * `paybridge_csrf` cookie in `X-CSRF-Token` (see `trpc.ts`). `canWrite` and `isAdmin` decide which
 * actions the pages show: read-only users see no action buttons at all (the server refuses them
 * anyway).
 */
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from "react"

export type Role = "admin" | "finance" | "read-only"

export interface Session {
  readonly expiresAt: string
  readonly principal: {
    readonly id: number
    readonly name: string
    readonly role: Role
    readonly customerScope: ReadonlyArray<number> | null
  }
}

interface SessionContextValue {
  readonly session: Session | null
  readonly signedIn: (session: Session) => void
  readonly signedOut: () => void
}

const storageKey = "paybridge.admin.session"

const SessionContext = createContext<SessionContextValue | null>(null)

const readStored = (): Session | null => {
  try {
    const raw = sessionStorage.getItem(storageKey)
    if (raw === null) return null
    const session = JSON.parse(raw) as Session
    return Date.parse(session.expiresAt) > Date.now() ? session : null
  } catch {
    return null
  }
}

/** The CSRF token of the current console session (the page-readable cookie), read on every request. */
export const currentCsrfToken = (): string | null => {
  const match = /(?:^|;\s*)paybridge_csrf=([^;]+)/.exec(typeof document === "undefined" ? "" : document.cookie)
  return match?.[1] ?? null
}

export const SessionProvider = ({ children, initial }: { children: ReactNode; initial?: Session | null }) => {
  const [session, setSession] = useState<Session | null>(() => (initial === undefined ? readStored() : initial))
  const signedIn = useCallback((next: Session) => {
    sessionStorage.setItem(storageKey, JSON.stringify(next))
    setSession(next)
  }, [])
  const signedOut = useCallback(() => {
    sessionStorage.removeItem(storageKey)
    setSession(null)
  }, [])
  const value = useMemo(() => ({ session, signedIn, signedOut }), [session, signedIn, signedOut])
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>
}

export const useSession = (): SessionContextValue => {
  const value = useContext(SessionContext)
  if (value === null) throw new Error("useSession outside SessionProvider")
  return value
}

/** What the signed-in role may do in the console. */
export const usePermissions = () => {
  const role = useSession().session?.principal.role ?? "read-only"
  return { role, canWrite: role === "admin" || role === "finance", isAdmin: role === "admin" }
}
