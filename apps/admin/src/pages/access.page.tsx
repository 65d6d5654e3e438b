/**
 * Access (admins only): users with their role and API keys (prefix, label, created, last used,
 * revoked), creating a user, issuing a key — the whole key is shown once, then only its prefix —
 * and revoking a key; and how each mounted dialect takes a key (its credential styles).
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query"
import { useState } from "react"
import { useForm } from "react-hook-form"
import { DateTime, PageHeader } from "../components/bits.tsx"
import { ConfirmDialog } from "../components/confirm-dialog.tsx"
import { Empty, ErrorNotice, QueryState } from "../components/states.tsx"
import type { Role } from "../lib/session.tsx"
import { type RouterOutputs, useTRPC } from "../lib/trpc.ts"

type User = RouterOutputs["access"]["users"][number]

interface NewUserForm {
  email: string
  name: string
  role: Role
  password: string
}

const NewUserDialog = ({ onClose }: { onClose: () => void }) => {
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const form = useForm<NewUserForm>({ defaultValues: { email: "", name: "", role: "read-only", password: "" } })
  const create = useMutation(
    trpc.access.createUser.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries()
        onClose()
      }
    })
  )
  return (
    <ConfirmDialog
      title="New user"
      description="A platform user signs in here with a password, or uses an API key through the API and the dialects."
      confirmLabel="Create user"
      busy={create.isPending}
      onCancel={onClose}
      onConfirm={form.handleSubmit((values) =>
        create.mutate({
          email: values.email.trim(),
          name: values.name.trim(),
          role: values.role,
          password: values.password === "" ? null : values.password
        })
      )}
    >
      <label>
        Email
        <input type="email" {...form.register("email", { required: true })} />
      </label>
      <label>
        Name
        <input {...form.register("name", { required: true })} />
      </label>
      <label>
        Role
        <select {...form.register("role")}>
          <option value="read-only">read-only</option>
          <option value="finance">finance</option>
          <option value="admin">admin</option>
        </select>
      </label>
      <label>
        Password (optional, at least 8 characters)
        <input type="password" autoComplete="new-password" {...form.register("password")} />
      </label>
      {create.error ? <ErrorNotice error={create.error} /> : null}
    </ConfirmDialog>
  )
}

type Pending =
  | { readonly kind: "issue"; readonly user: User }
  | { readonly kind: "revoke"; readonly user: User; readonly keyId: number; readonly prefix: string }

const KeyDialog = ({
  pending,
  onClose,
  onIssued
}: {
  pending: Pending
  onClose: () => void
  onIssued: (key: string, user: User) => void
}) => {
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const [label, setLabel] = useState("")
  const issue = useMutation(
    trpc.access.issueKey.mutationOptions({
      onSuccess: async (issued) => {
        await queryClient.invalidateQueries()
        onIssued(issued.apiKey, pending.user)
        onClose()
      }
    })
  )
  const revoke = useMutation(
    trpc.access.revokeKey.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries()
        onClose()
      }
    })
  )
  if (pending.kind === "revoke") {
    return (
      <ConfirmDialog
        title={`Revoke key ${pending.prefix}`}
        description={`Every client using this key of ${pending.user.name} is refused from the next request on.`}
        confirmLabel="Revoke key"
        danger
        busy={revoke.isPending}
        onCancel={onClose}
        onConfirm={() => revoke.mutate({ apiKeyId: pending.keyId })}
      >
        {revoke.error ? <ErrorNotice error={revoke.error} /> : null}
      </ConfirmDialog>
    )
  }
  return (
    <ConfirmDialog
      title={`Issue an API key for ${pending.user.name}`}
      description="A user has one key at a time: issuing a new key revokes the previous one immediately. The key is shown once."
      confirmLabel="Issue key"
      busy={issue.isPending}
      onCancel={onClose}
      onConfirm={() =>
        issue.mutate(
          label.trim() === "" ? { userId: pending.user.id } : { userId: pending.user.id, label: label.trim() }
        )
      }
    >
      <label>
        Label (what uses it)
        <input
          value={label}
          onChange={(event) => setLabel(event.target.value)}
          placeholder="e.g. Silver billing client"
        />
      </label>
      {issue.error ? <ErrorNotice error={issue.error} /> : null}
    </ConfirmDialog>
  )
}

const UsersTable = ({ users, onAct }: { users: ReadonlyArray<User>; onAct: (pending: Pending) => void }) => (
  <div className="table-scroll">
    <table>
      <caption>Users and their API keys</caption>
      <thead>
        <tr>
          <th scope="col">User</th>
          <th scope="col">Role</th>
          <th scope="col">Sign-in</th>
          <th scope="col">API keys</th>
          <th scope="col">Actions</th>
        </tr>
      </thead>
      <tbody>
        {users.map((user) => (
          <tr key={user.id}>
            <td>
              {user.name}
              <div className="muted">{user.email}</div>
            </td>
            <td>
              {user.role}
              {user.customerScope === null ? null : (
                <div className="muted">customers {user.customerScope.join(", ")}</div>
              )}
            </td>
            <td>{user.hasPassword ? "password" : <span className="muted">API key only</span>}</td>
            <td>
              {user.apiKeys.length === 0 ? (
                <span className="muted">none</span>
              ) : (
                <ul className="plain">
                  {user.apiKeys.map((key) => (
                    <li key={key.id}>
                      <code>pbk_{key.prefix}_…</code> {key.label} · created <DateTime iso={key.createdAt} /> · last used{" "}
                      {key.lastUsedAt === null ? (
                        <span className="muted">never</span>
                      ) : (
                        <DateTime iso={key.lastUsedAt} />
                      )}
                      {key.revokedAt === null ? (
                        <button
                          type="button"
                          className="link danger"
                          onClick={() => onAct({ kind: "revoke", user, keyId: key.id, prefix: key.prefix })}
                        >
                          Revoke
                        </button>
                      ) : (
                        <span className="badge badge-rejected">revoked</span>
                      )}
                    </li>
                  ))}
                </ul>
              )}
            </td>
            <td>
              <button type="button" onClick={() => onAct({ kind: "issue", user })}>
                Issue key
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  </div>
)

export const AccessPage = () => {
  const trpc = useTRPC()
  const users = useQuery(trpc.access.users.queryOptions())
  const styles = useQuery(trpc.access.credentialStyles.queryOptions())
  const [creating, setCreating] = useState(false)
  const [pending, setPending] = useState<Pending | null>(null)
  const [shown, setShown] = useState<{ key: string; user: string } | null>(null)
  return (
    <>
      <PageHeader title="Access">
        <button type="button" className="primary" onClick={() => setCreating(true)}>
          New user
        </button>
      </PageHeader>
      {shown ? (
        <section className="card secret" role="status" aria-label="New API key">
          <h2>New API key for {shown.user}</h2>
          <p>Copy it now: it is shown once and cannot be read again.</p>
          <code className="secret-value" data-testid="new-api-key">
            {shown.key}
          </code>
          <button type="button" onClick={() => setShown(null)}>
            I have stored it
          </button>
        </section>
      ) : null}
      <QueryState query={users} what="users">
        {(list) => (list.length === 0 ? <Empty>No users.</Empty> : <UsersTable users={list} onAct={setPending} />)}
      </QueryState>
      <section className="card" aria-label="Credential styles">
        <h2>How each dialect takes a key</h2>
        <QueryState query={styles} what="credential styles">
          {(dialects) =>
            dialects.length === 0 ? (
              <Empty>No vendor dialect is mounted; clients use the key as `Authorization: Bearer` on /trpc.</Empty>
            ) : (
              <ul className="plain">
                {dialects.map((dialect) => (
                  <li key={dialect.dialect}>
                    <strong>{dialect.title}</strong> <code>{dialect.basePath}</code>
                    <ul>
                      {dialect.styles.map((style) => (
                        <li key={style.name}>
                          <code>{style.name}</code>: {style.description}
                        </li>
                      ))}
                    </ul>
                  </li>
                ))}
              </ul>
            )
          }
        </QueryState>
      </section>
      {creating ? <NewUserDialog onClose={() => setCreating(false)} /> : null}
      {pending ? (
        <KeyDialog
          pending={pending}
          onClose={() => setPending(null)}
          onIssued={(key, user) => setShown({ key, user: user.name })}
        />
      ) : null}
    </>
  )
}
