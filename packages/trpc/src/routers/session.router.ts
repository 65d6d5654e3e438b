/**
 * Who am I: the principal the presented API key (or console session token) stands for, role and
 * customer scope included; and the admin console's password sign-in, which trades an email and
 * password for a short-lived session token, and sign-out, which ends that token at once.
 */

import { TRPCError } from "@trpc/server"
import { Schema } from "effect"
import { jsonInput } from "../json-codec.ts"
import { protectedProcedure, publicProcedure, router } from "../trpc.ts"

const SignInInput = Schema.Struct({
  email: Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(254)),
  password: Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(1024))
})

const whoamiOf = (principal: {
  readonly id: number
  readonly kind: "user" | "api-key" | "system"
  readonly name: string
  readonly role: "admin" | "finance" | "read-only"
  readonly customerScope: ReadonlyArray<number> | null
}) => ({
  id: principal.id,
  kind: principal.kind,
  name: principal.name,
  role: principal.role,
  customerScope: principal.customerScope
})

export const sessionRouter = router({
  whoami: protectedProcedure.query(({ ctx }) => whoamiOf(ctx.principal)),
  signIn: publicProcedure.input(jsonInput(SignInInput)).mutation(async ({ ctx, input }) => {
    const host = ctx.console
    if (host === null) throw new TRPCError({ code: "NOT_IMPLEMENTED", message: "this server offers no admin console" })
    const principal = await host.runAuthenticator((auth) => auth.authenticatePassword(input.email, input.password))
    const session = await host.sessions.issue(principal)
    return { token: session.token, expiresAt: session.expiresAt.toISOString(), principal: whoamiOf(principal) }
  }),
  signOut: protectedProcedure.mutation(async ({ ctx }) => {
    if (ctx.console !== null && ctx.credential !== null) await ctx.console.sessions.revoke(ctx.credential)
    return { signedOut: true }
  })
})
