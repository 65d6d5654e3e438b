/** The app router: every area router under its name. Its type is what `@paybridge/client` imports. */
import { accessRouter } from "./routers/access.router.ts"
import { balancesRouter } from "./routers/balances.router.ts"
import { billingEntitiesRouter } from "./routers/billing-entities.router.ts"
import { compatibilityRouter, dialectsRouter, overviewRouter } from "./routers/console.router.ts"
import { customersRouter } from "./routers/customers.router.ts"
import { dialectPresetsRouter } from "./routers/dialect-presets.router.ts"
import { documentsRouter } from "./routers/documents.router.ts"
import { eventsRouter } from "./routers/events.router.ts"
import { gatewaysRouter } from "./routers/gateways.router.ts"
import { migrationsRouter } from "./routers/migrations.router.ts"
import { paymentsRouter } from "./routers/payments.router.ts"
import { presetsRouter } from "./routers/presets.router.ts"
import { refundsRouter } from "./routers/refunds.router.ts"
import { sessionRouter } from "./routers/session.router.ts"
import { router } from "./trpc.ts"

export const appRouter = router({
  session: sessionRouter,
  customers: customersRouter,
  billingEntities: billingEntitiesRouter,
  gateways: gatewaysRouter,
  presets: presetsRouter,
  dialectPresets: dialectPresetsRouter,
  documents: documentsRouter,
  payments: paymentsRouter,
  refunds: refundsRouter,
  balances: balancesRouter,
  events: eventsRouter,
  overview: overviewRouter,
  access: accessRouter,
  dialects: dialectsRouter,
  compatibility: compatibilityRouter,
  migrations: migrationsRouter
})

export type AppRouter = typeof appRouter
