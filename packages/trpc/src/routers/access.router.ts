/**
 * Access management for the admin console (the `admin` role only): users with their API keys
 * (prefix, label, created, revoked and last-used times — never a secret), creating users, issuing
 * a key (the whole key is returned once; issuing replaces the user's previous key) and revoking
 * one key. Any signed-in principal may read how each mounted dialect accepts credentials.
 */
import { ApiKeyId, CustomerId, Role, UserId } from "@paybridge/core"
import { Effect, Schema } from "effect"
import { jsonInput } from "../json-codec.ts"
import { adminProcedure, consoleProcedure, router } from "../trpc.ts"

const iso = (date: Date | null | undefined): string | null => (date ? date.toISOString() : null)

type KeyRecord = {
  readonly id: number
  readonly userId: number
  readonly prefix: string
  readonly label: string
  readonly createdAt: Date
  readonly revokedAt: Date | null
  readonly lastUsedAt?: Date | null | undefined
}

const keyJson = (key: KeyRecord) => ({
  id: key.id,
  userId: key.userId,
  prefix: key.prefix,
  label: key.label,
  createdAt: key.createdAt.toISOString(),
  revokedAt: iso(key.revokedAt),
  lastUsedAt: iso(key.lastUsedAt)
})

const CreateUserInput = Schema.Struct({
  email: Schema.String.check(Schema.isMinLength(3), Schema.isMaxLength(254)),
  name: Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(200)),
  role: Role,
  password: Schema.optional(Schema.NullOr(Schema.String.check(Schema.isMaxLength(1024)))),
  customerScope: Schema.optional(Schema.NullOr(Schema.Array(CustomerId)))
})

export const accessRouter = router({
  users: adminProcedure.query(async ({ ctx }) => {
    const { users, keys } = await ctx.console.runAuthenticator((auth) =>
      auth.listUsers.pipe(
        Effect.zip(auth.listApiKeys()),
        Effect.map(([users, keys]) => ({ users, keys }))
      )
    )
    return users.map((user) => ({
      id: user.id,
      email: user.email,
      name: user.name,
      role: user.role,
      customerScope: user.customerScope,
      hasPassword: user.passwordHash !== null,
      createdAt: user.createdAt.toISOString(),
      apiKeys: keys.filter((key) => key.userId === user.id).map(keyJson)
    }))
  }),
  createUser: adminProcedure.input(jsonInput(CreateUserInput)).mutation(async ({ ctx, input }) => {
    const user = await ctx.console.runAuthenticator((auth) => auth.createUser(input))
    return { id: user.id, email: user.email, name: user.name, role: user.role }
  }),
  issueKey: adminProcedure
    .input(
      jsonInput(Schema.Struct({ userId: UserId, label: Schema.optional(Schema.String.check(Schema.isMaxLength(100))) }))
    )
    .mutation(async ({ ctx, input }) => {
      const issued = await ctx.console.runAuthenticator((auth) =>
        auth.issueApiKey(
          input.label === undefined ? { userId: input.userId } : { userId: input.userId, label: input.label }
        )
      )
      return { apiKey: issued.apiKey, key: keyJson(issued.record) }
    }),
  revokeKey: adminProcedure
    .input(jsonInput(Schema.Struct({ apiKeyId: ApiKeyId })))
    .mutation(async ({ ctx, input }) =>
      keyJson(await ctx.console.runAuthenticator((auth) => auth.revokeApiKey(input.apiKeyId)))
    ),
  credentialStyles: consoleProcedure.query(({ ctx }) =>
    ctx.console.dialects.map((dialect) => ({
      dialect: dialect.id,
      title: dialect.title,
      basePath: dialect.basePath,
      styles: dialect.credentialStyles.map((style) => ({ name: style.name, description: style.description }))
    }))
  )
})
