/**
 * The vendor dialects the server mounts, one line each, at their default base paths unless
 * `DIALECT_BASE_PATHS` moves them (see `config.ts`). A dialect package is added here and nowhere
 * else: `app.ts` mounts the list, `/docs` lists it, and `docs/compatibility.md` is generated from
 * the packages themselves.
 */
import { billingPlatformUkDialect } from "@paybridge/adapter-billing-platform-uk"
import { crmComDialect } from "@paybridge/adapter-crm-com"
import { elevateDialect } from "@paybridge/adapter-elevate"
import type { Dialect } from "@paybridge/adapter-kit"
import { logisenseDialect } from "@paybridge/adapter-logisense"
import { silverDialect } from "@paybridge/adapter-silver"

export const dialects: ReadonlyArray<Dialect> = [
  billingPlatformUkDialect,
  crmComDialect,
  elevateDialect,
  logisenseDialect,
  silverDialect
]
