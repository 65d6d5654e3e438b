/**
 * The console: providers (TanStack Query, tRPC, session), the routes, and the shell around every
 * signed-in page — a skip link, the navigation (Access only for admins), who is signed in with
 * which role, and sign-out. An expired or revoked session sends the user back to sign-in.
 */
import { QueryClient, QueryClientProvider, useMutation, useQueryClient } from "@tanstack/react-query"
import { type ReactNode, useEffect } from "react"
import { Navigate, NavLink, Outlet, Route, Routes } from "react-router"
import { isTransient, isUnauthorized } from "./lib/errors.ts"
import { type Session, SessionProvider, usePermissions, useSession } from "./lib/session.tsx"
import { type ApiClient, TRPCProvider, useTRPC } from "./lib/trpc.ts"
import { AccessPage } from "./pages/access.page.tsx"
import { CompatibilityPage } from "./pages/compatibility.page.tsx"
import { CustomerDetailPage, CustomersPage } from "./pages/customers.page.tsx"
import { GatewaysPage } from "./pages/gateways.page.tsx"
import { InvoiceDetailPage, InvoicesPage } from "./pages/invoices.page.tsx"
import { MigrationsPage } from "./pages/migrations.page.tsx"
import { OverviewPage } from "./pages/overview.page.tsx"
import { PaymentDetailPage } from "./pages/payment-detail.page.tsx"
import { PaymentsPage } from "./pages/payments.page.tsx"
import { PresetsPage } from "./pages/presets.page.tsx"
import { SignInPage } from "./pages/sign-in.page.tsx"

export const makeQueryClient = () =>
  new QueryClient({
    defaultOptions: {
      queries: {
        retry: (count, error) => isTransient(error) && count < 2,
        staleTime: 5_000,
        refetchOnWindowFocus: false
      }
    }
  })

/** Signs out when any query reports that the session is no longer valid. */
const SessionWatcher = () => {
  const queryClient = useQueryClient()
  const { signedOut } = useSession()
  useEffect(
    () =>
      queryClient.getQueryCache().subscribe((event) => {
        if (event.type === "updated" && isUnauthorized(event.query.state.error)) {
          queryClient.clear()
          signedOut()
        }
      }),
    [queryClient, signedOut]
  )
  return null
}

const Shell = () => {
  const { session, signedOut } = useSession()
  const { isAdmin, role } = usePermissions()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const signOut = useMutation(
    trpc.session.signOut.mutationOptions({
      onSettled: () => {
        queryClient.clear()
        signedOut()
      }
    })
  )
  const links: ReadonlyArray<readonly [string, string]> = [
    ["/overview", "Overview"],
    ["/payments", "Payments"],
    ["/customers", "Customers"],
    ["/invoices", "Invoices"],
    ["/presets", "Presets"],
    ["/gateways", "Gateways"],
    ...(isAdmin ? ([["/access", "Access"]] as const) : []),
    ["/migrations", "Migrations"],
    ["/compatibility", "Compatibility"]
  ]
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">Paybridge admin</span>
        <nav aria-label="Main">
          <ul>
            {links.map(([to, label]) => (
              <li key={to}>
                <NavLink to={to}>{label}</NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <span>
            {session?.principal.name} <span className={`badge role-${role}`}>{role}</span>
          </span>
          <button type="button" onClick={() => signOut.mutate()} disabled={signOut.isPending}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  )
}

const RequireSession = ({ children }: { children: ReactNode }) =>
  useSession().session === null ? <SignInPage /> : children

export const ConsoleRoutes = () => (
  <Routes>
    <Route
      element={
        <RequireSession>
          <Shell />
        </RequireSession>
      }
    >
      <Route index element={<Navigate to="/overview" replace />} />
      <Route path="overview" element={<OverviewPage />} />
      <Route path="payments" element={<PaymentsPage />} />
      <Route path="payments/:paymentId" element={<PaymentDetailPage />} />
      <Route path="customers" element={<CustomersPage />} />
      <Route path="customers/:customerId" element={<CustomerDetailPage />} />
      <Route path="invoices" element={<InvoicesPage />} />
      <Route path="invoices/:documentId" element={<InvoiceDetailPage />} />
      <Route path="presets" element={<PresetsPage />} />
      <Route path="gateways" element={<GatewaysPage />} />
      <Route path="access" element={<AccessPage />} />
      <Route path="migrations" element={<MigrationsPage />} />
      <Route path="compatibility" element={<CompatibilityPage />} />
      <Route path="*" element={<p className="state state-empty">There is no such page.</p>} />
    </Route>
  </Routes>
)

/** Everything but the router (so tests can wrap it in a MemoryRouter). */
export const ConsoleProviders = ({
  client,
  queryClient,
  initialSession,
  children
}: {
  client: ApiClient
  queryClient: QueryClient
  initialSession?: Session | null
  children: ReactNode
}) => (
  <QueryClientProvider client={queryClient}>
    <TRPCProvider trpcClient={client} queryClient={queryClient}>
      <SessionProvider {...(initialSession === undefined ? {} : { initial: initialSession })}>
        <SessionWatcher />
        {children}
      </SessionProvider>
    </TRPCProvider>
  </QueryClientProvider>
)
