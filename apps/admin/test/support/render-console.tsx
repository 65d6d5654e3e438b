/**
 * Renders the console (or part of it) in happy-dom against the real API: the page's origin is set
 * to the test server's, so the tRPC client talks to it same-origin exactly as in production.
 * Signing in goes through `session.signIn`; nothing of the server is faked.
 */
import { render } from "@testing-library/react"
import type { ReactNode } from "react"
import { MemoryRouter } from "react-router"
import type { ProvidedContext } from "vitest"
import { ConsoleProviders, ConsoleRoutes, makeQueryClient } from "../../src/app.tsx"
import { currentCsrfToken, type Session } from "../../src/lib/session.tsx"
import { type ApiClient, createApiClient } from "../../src/lib/trpc.ts"

export type ConsoleServer = ProvidedContext["consoleServer"]

type HappyWindow = Window & { readonly happyDOM?: { readonly setURL: (url: string) => void } }

export const pointAt = (server: ConsoleServer): ApiClient => {
  ;(window as HappyWindow).happyDOM?.setURL(`${server.url}/admin/`)
  sessionStorage.clear()
  return createApiClient({ url: `${server.url}/trpc`, csrfToken: currentCsrfToken })
}

export const signInAs = async (
  client: ApiClient,
  server: ConsoleServer,
  role: "admin" | "finance" | "read-only"
): Promise<Session> => client.session.signIn.mutate(server.users[role])

export const renderConsole = (client: ApiClient, path: string, session: Session | null = null, element?: ReactNode) => {
  if (session !== null) sessionStorage.setItem("paybridge.admin.session", JSON.stringify(session))
  return render(
    <ConsoleProviders client={client} queryClient={makeQueryClient()} initialSession={session}>
      <MemoryRouter initialEntries={[path]}>{element ?? <ConsoleRoutes />}</MemoryRouter>
    </ConsoleProviders>
  )
}
