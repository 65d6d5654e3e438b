/**
 * Gateways: the payment gateways the platform knows, with whether each takes payments on this
 * server now (enabled and served by a driver), its real driver's stored settings — driver, the
 * last four characters of the secret key and webhook secret, when and by whom they were set — and,
 * for admins, forms to create a gateway (optionally with Stripe settings, stored encrypted on the
 * server), rotate its secret (the server's drivers pick it up without a restart) and disable or
 * enable it. Secrets are typed into password fields, sent once, and never shown: no answer holds one.
 */
import { useMutation, useQuery } from "@tanstack/react-query"
import { useState } from "react"
import { DateTime, PageHeader } from "../components/bits.tsx"
import { ConfirmDialog } from "../components/confirm-dialog.tsx"
import { Empty, ErrorNotice, QueryState } from "../components/states.tsx"
import { useDialogMutationOptions } from "../lib/dialog-mutation.ts"
import { usePermissions } from "../lib/session.tsx"
import { type RouterOutputs, useTRPC } from "../lib/trpc.ts"

type Gateway = RouterOutputs["gateways"]["list"]["items"][number]
type Settings = RouterOutputs["gateways"]["settings"][number]

type Pending =
  | { readonly action: "create" }
  | { readonly action: "rotate"; readonly gateway: Gateway; readonly settings: Settings | null }
  | { readonly action: "toggle"; readonly gateway: Gateway }

const SecretField = ({
  label,
  value,
  onChange,
  required
}: {
  label: string
  value: string
  onChange: (value: string) => void
  required: boolean
}) => (
  <label>
    {label}
    <input
      type="password"
      autoComplete="off"
      spellCheck={false}
      value={value}
      required={required}
      onChange={(event) => onChange(event.target.value.trim())}
    />
  </label>
)

const CreateDialog = ({ onClose }: { onClose: () => void }) => {
  const trpc = useTRPC()
  const create = useMutation(trpc.gateways.create.mutationOptions(useDialogMutationOptions(onClose)))
  const [code, setCode] = useState("")
  const [name, setName] = useState("")
  const [driver, setDriver] = useState<"" | "stripe">("stripe")
  const [secretKey, setSecretKey] = useState("")
  const [webhookSecret, setWebhookSecret] = useState("")
  const [apiBase, setApiBase] = useState("")
  return (
    <ConfirmDialog
      title="New gateway"
      description="With Stripe settings the server stores the secrets encrypted and serves the gateway within seconds; without, the gateway takes payments only if the server's environment configures it."
      confirmLabel="Create gateway"
      busy={create.isPending}
      onCancel={onClose}
      onConfirm={() =>
        create.mutate({
          code: code.trim(),
          name: name.trim(),
          ...(driver === ""
            ? {}
            : {
                settings: {
                  driver,
                  secretKey,
                  webhookSecret,
                  ...(apiBase.trim() === "" ? {} : { apiBase: apiBase.trim() })
                }
              })
        })
      }
    >
      <label>
        Code
        <input value={code} onChange={(event) => setCode(event.target.value)} required />
      </label>
      <label>
        Name
        <input value={name} onChange={(event) => setName(event.target.value)} required />
      </label>
      <label>
        Driver
        <select value={driver} onChange={(event) => setDriver(event.target.value === "stripe" ? "stripe" : "")}>
          <option value="stripe">Stripe (secrets stored encrypted)</option>
          <option value="">None (configured in the server's environment)</option>
        </select>
      </label>
      {driver === "" ? null : (
        <>
          <SecretField label="Secret key" value={secretKey} onChange={setSecretKey} required />
          <SecretField label="Webhook secret" value={webhookSecret} onChange={setWebhookSecret} required />
          <label>
            API base (optional)
            <input
              value={apiBase}
              onChange={(event) => setApiBase(event.target.value)}
              placeholder="https://api.stripe.com"
            />
          </label>
        </>
      )}
      {create.error ? <ErrorNotice error={create.error} /> : null}
    </ConfirmDialog>
  )
}

const RotateDialog = ({
  gateway,
  settings,
  onClose
}: {
  gateway: Gateway
  settings: Settings | null
  onClose: () => void
}) => {
  const trpc = useTRPC()
  const rotate = useMutation(trpc.gateways.rotateSecret.mutationOptions(useDialogMutationOptions(onClose)))
  const [secretKey, setSecretKey] = useState("")
  const [webhookSecret, setWebhookSecret] = useState("")
  return (
    <ConfirmDialog
      title={`Rotate secret: ${gateway.name}`}
      description={
        settings === null
          ? "The gateway has no stored settings yet: give Stripe's secret key and webhook secret."
          : "Leave a field empty to keep that secret. Every server process uses the new secret within seconds; the replaced webhook secret is still accepted for the grace period."
      }
      confirmLabel="Rotate secret"
      busy={rotate.isPending}
      onCancel={onClose}
      onConfirm={() =>
        rotate.mutate({
          id: gateway.id,
          ...(settings === null ? { driver: "stripe" as const } : {}),
          ...(secretKey === "" ? {} : { secretKey }),
          ...(webhookSecret === "" ? {} : { webhookSecret })
        })
      }
    >
      <SecretField label="New secret key" value={secretKey} onChange={setSecretKey} required={settings === null} />
      <SecretField
        label="New webhook secret"
        value={webhookSecret}
        onChange={setWebhookSecret}
        required={settings === null}
      />
      {rotate.error ? <ErrorNotice error={rotate.error} /> : null}
    </ConfirmDialog>
  )
}

const ToggleDialog = ({ gateway, onClose }: { gateway: Gateway; onClose: () => void }) => {
  const trpc = useTRPC()
  const update = useMutation(trpc.gateways.update.mutationOptions(useDialogMutationOptions(onClose)))
  const disabling = gateway.enabled
  return (
    <ConfirmDialog
      title={`${disabling ? "Disable" : "Enable"} ${gateway.name}`}
      description={
        disabling
          ? "It takes no new payments or payment links; payments already made are unaffected."
          : "It takes payments again (if a driver serves it on this server)."
      }
      confirmLabel={disabling ? "Disable gateway" : "Enable gateway"}
      danger={disabling}
      busy={update.isPending}
      onCancel={onClose}
      onConfirm={() => update.mutate({ id: gateway.id, enabled: !disabling })}
    >
      {update.error ? <ErrorNotice error={update.error} /> : null}
    </ConfirmDialog>
  )
}

const GatewayTable = ({
  gateways,
  settings,
  live,
  canAdmin,
  onAct
}: {
  gateways: ReadonlyArray<Gateway>
  settings: ReadonlyArray<Settings>
  live: ReadonlyMap<number, boolean>
  canAdmin: boolean
  onAct: (pending: Pending) => void
}) => (
  <div className="table-scroll">
    <table>
      <caption>Gateways</caption>
      <thead>
        <tr>
          <th scope="col">Code</th>
          <th scope="col">Name</th>
          <th scope="col">Status</th>
          <th scope="col">Driver</th>
          <th scope="col">Live</th>
          <th scope="col">Secret</th>
          <th scope="col">Rotated</th>
          {canAdmin ? <th scope="col">Actions</th> : null}
        </tr>
      </thead>
      <tbody>
        {gateways.map((gateway) => {
          const stored = settings.find((each) => each.gatewayId === gateway.id) ?? null
          return (
            <tr key={gateway.id}>
              <td>
                <code>{gateway.code}</code>
              </td>
              <td>{gateway.name}</td>
              <td>
                {gateway.enabled ? (
                  <span className="badge badge-posted">enabled</span>
                ) : (
                  <span className="badge badge-rejected">disabled</span>
                )}
              </td>
              <td>{stored?.driver ?? "environment"}</td>
              <td>{live.get(gateway.id) === true ? "live" : "not live"}</td>
              <td>
                {stored === null ? (
                  <span className="muted">not stored</span>
                ) : (
                  <>
                    key ····{stored.secretKeyLast4}, webhook ····{stored.webhookSecretLast4}
                  </>
                )}
              </td>
              <td>
                {stored === null ? null : (
                  <>
                    <DateTime iso={stored.setAt} /> <span className="muted">by {stored.setBy}</span>
                  </>
                )}
              </td>
              {canAdmin ? (
                <td>
                  <button
                    type="button"
                    className="link"
                    onClick={() => onAct({ action: "rotate", gateway, settings: stored })}
                  >
                    Rotate secret
                  </button>{" "}
                  <button
                    type="button"
                    className={gateway.enabled ? "link danger" : "link"}
                    onClick={() => onAct({ action: "toggle", gateway })}
                  >
                    {gateway.enabled ? "Disable" : "Enable"}
                  </button>
                </td>
              ) : null}
            </tr>
          )
        })}
      </tbody>
    </table>
  </div>
)

export const GatewaysPage = () => {
  const trpc = useTRPC()
  const { isAdmin } = usePermissions()
  const gateways = useQuery(trpc.gateways.list.queryOptions({ limit: 1000 }))
  const settings = useQuery(trpc.gateways.settings.queryOptions())
  // Servers pick up stored settings within seconds: the live column follows.
  const status = useQuery({ ...trpc.gateways.status.queryOptions(), refetchInterval: 3000 })
  const [pending, setPending] = useState<Pending | null>(null)
  const live = new Map((status.data ?? []).map((each) => [each.gatewayId, each.live] as const))
  return (
    <>
      <PageHeader title="Gateways">
        {isAdmin ? (
          <button type="button" className="primary" onClick={() => setPending({ action: "create" })}>
            New gateway
          </button>
        ) : null}
      </PageHeader>
      <QueryState query={gateways} what="gateways">
        {(page) =>
          page.items.length === 0 ? (
            <Empty>No gateways yet.</Empty>
          ) : (
            <GatewayTable
              gateways={page.items}
              settings={settings.data ?? []}
              live={live}
              canAdmin={isAdmin}
              onAct={setPending}
            />
          )
        }
      </QueryState>
      {settings.error ? <ErrorNotice error={settings.error} /> : null}
      {pending === null ? null : pending.action === "create" ? (
        <CreateDialog onClose={() => setPending(null)} />
      ) : pending.action === "rotate" ? (
        <RotateDialog gateway={pending.gateway} settings={pending.settings} onClose={() => setPending(null)} />
      ) : (
        <ToggleDialog gateway={pending.gateway} onClose={() => setPending(null)} />
      )}
    </>
  )
}
