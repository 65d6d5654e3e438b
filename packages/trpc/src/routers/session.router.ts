/** Who am I: the principal the presented API key stands for (role and customer scope included). */
import { protectedProcedure, router } from "../trpc.ts"

export const sessionRouter = router({
  whoami: protectedProcedure.query(({ ctx }) => ({
    id: ctx.principal.id,
    kind: ctx.principal.kind,
    name: ctx.principal.name,
    role: ctx.principal.role,
    customerScope: ctx.principal.customerScope
  }))
})
