/** Entry point: the console under `/admin`, talking to `/trpc` on the same origin. */
import { StrictMode } from "react"
import { createRoot } from "react-dom/client"
import { BrowserRouter } from "react-router"
import { ConsoleProviders, ConsoleRoutes, makeQueryClient } from "./app.tsx"
import { currentCsrfToken } from "./lib/session.tsx"
import { createApiClient } from "./lib/trpc.ts"
import "./styles.css"

const root = document.getElementById("root")
if (root === null) throw new Error("index.html has no #root")

createRoot(root).render(
  <StrictMode>
    <ConsoleProviders
      client={createApiClient({ url: "/trpc", csrfToken: currentCsrfToken })}
      queryClient={makeQueryClient()}
    >
      <BrowserRouter basename="/admin">
        <ConsoleRoutes />
      </BrowserRouter>
    </ConsoleProviders>
  </StrictMode>
)
