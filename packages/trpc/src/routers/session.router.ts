/**
 * Who am I: the principal the presented API key (or console session cookie) stands for, role and
 * customer scope included; and the admin console's password sign-in, which trades an email and
 * password for a short-lived session the host keeps in an HttpOnly cookie (the answer says who and
 * until when, never the token), and sign-out, which ends that session at once.
 */

import { TextOfLength } from "@paybridge/core"
import { TRPCError } from "@trpc/server"
import { Schema } from "effect"
import { jsonInput } from "../json-codec.ts"
import { protectedProcedure, publicProcedure, router } from "../trpc.ts"

const SignInInput = Schema.Struct({
  email: TextOfLength(254, 1),
  password: TextOfLength(1024, 1)
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
    const session = await host.signIn(input.email, input.password)
    return { expiresAt: session.expiresAt.toISOString(), principal: whoamiOf(session.principal) }
  }),
  signOut: protectedProcedure.mutation(async ({ ctx }) => {
    if (ctx.console !== null) await ctx.console.signOut()
    return { signedOut: true }
  })
})
