/**
 * Presets: the named configuration the vendor dialects resolve by name (CRM.COM's business units,
 * financial transaction categories, rejection reasons, cancellation types). Pick a kind, see its
 * presets (active and retired), and — with a role that may write — create one, rename one or
 * retire one. A retired preset stays listed (old payments still show it), but the dialect refuses
 * it by name in new requests.
 */
import { useMutation, useQuery } from "@tanstack/react-query"
import { useState } from "react"
import { DateTime, PageHeader } from "../components/bits.tsx"
import { ConfirmDialog } from "../components/confirm-dialog.tsx"
import { Empty, ErrorNotice, QueryState } from "../components/states.tsx"
import { useDialogMutationOptions } from "../lib/dialog-mutation.ts"
import { usePermissions } from "../lib/session.tsx"
import { type RouterOutputs, useTRPC } from "../lib/trpc.ts"

type Kind = RouterOutputs["dialectPresets"]["kinds"][number]
type Preset = RouterOutputs["dialectPresets"]["list"]["items"][number]
type KindRef = { readonly dialect: string; readonly kind: string }

type Pending =
  | { readonly action: "create" }
  | { readonly action: "rename"; readonly preset: Preset }
  | { readonly action: "retire"; readonly preset: Preset }

const NameDialog = ({ kind, preset, onClose }: { kind: Kind; preset: Preset | null; onClose: () => void }) => {
  const trpc = useTRPC()
  const [name, setName] = useState(preset?.name ?? "")
  const options = useDialogMutationOptions(onClose)
  const create = useMutation(trpc.dialectPresets.create.mutationOptions(options))
  const rename = useMutation(trpc.dialectPresets.rename.mutationOptions(options))
  const mutation = preset === null ? create : rename
  const ref: KindRef = { dialect: kind.dialect, kind: kind.kind }
  return (
    <ConfirmDialog
      title={preset === null ? `New: ${kind.label}` : `Rename ${preset.name}`}
      description={
        preset === null
          ? `${kind.dialectTitle} clients can name it from the next request on.`
          : `Clients must use the new name from the next request on; payments that name it show the new name.`
      }
      confirmLabel={preset === null ? "Create preset" : "Rename preset"}
      busy={mutation.isPending}
      onCancel={onClose}
      onConfirm={() => {
        const trimmed = name.trim()
        if (trimmed === "") return
        if (preset === null) create.mutate({ ...ref, name: trimmed })
        else rename.mutate({ ...ref, key: preset.key, name: trimmed })
      }}
    >
      <label>
        Name
        <input value={name} onChange={(event) => setName(event.target.value)} required />
      </label>
      {mutation.error ? <ErrorNotice error={mutation.error} /> : null}
    </ConfirmDialog>
  )
}

const RetireDialog = ({ kind, preset, onClose }: { kind: Kind; preset: Preset; onClose: () => void }) => {
  const trpc = useTRPC()
  const retire = useMutation(trpc.dialectPresets.retire.mutationOptions(useDialogMutationOptions(onClose)))
  return (
    <ConfirmDialog
      title={`Retire ${preset.name}`}
      description={`${kind.dialectTitle} refuses it by name in new requests; payments that already name it keep showing it.`}
      confirmLabel="Retire preset"
      danger
      busy={retire.isPending}
      onCancel={onClose}
      onConfirm={() => retire.mutate({ dialect: kind.dialect, kind: kind.kind, key: preset.key })}
    >
      {retire.error ? <ErrorNotice error={retire.error} /> : null}
    </ConfirmDialog>
  )
}

const PresetTable = ({
  kind,
  presets,
  canWrite,
  onAct
}: {
  kind: Kind
  presets: ReadonlyArray<Preset>
  canWrite: boolean
  onAct: (pending: Pending) => void
}) => (
  <div className="table-scroll">
    <table>
      <caption>{kind.label}</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Status</th>
          <th scope="col">Id</th>
          <th scope="col">Changed</th>
          {canWrite ? <th scope="col">Actions</th> : null}
        </tr>
      </thead>
      <tbody>
        {presets.map((preset) => (
          <tr key={preset.key}>
            <td>{preset.name}</td>
            <td>
              {preset.retired ? (
                <span className="badge badge-rejected">retired</span>
              ) : (
                <span className="badge badge-posted">active</span>
              )}
            </td>
            <td>
              <code>{preset.key}</code>
            </td>
            <td>
              <DateTime iso={preset.updatedAt} />
            </td>
            {canWrite ? (
              <td>
                {preset.retired ? null : (
                  <>
                    <button type="button" className="link" onClick={() => onAct({ action: "rename", preset })}>
                      Rename
                    </button>{" "}
                    <button type="button" className="link danger" onClick={() => onAct({ action: "retire", preset })}>
                      Retire
                    </button>
                  </>
                )}
              </td>
            ) : null}
          </tr>
        ))}
      </tbody>
    </table>
  </div>
)

const KindPresets = ({ kind, canWrite }: { kind: Kind; canWrite: boolean }) => {
  const trpc = useTRPC()
  const presets = useQuery(
    trpc.dialectPresets.list.queryOptions({ dialect: kind.dialect, kind: kind.kind, limit: 1000 })
  )
  const [pending, setPending] = useState<Pending | null>(null)
  return (
    <section className="card" aria-label={kind.label}>
      <h2>
        {kind.label} <span className="muted">({kind.dialectTitle})</span>
      </h2>
      {canWrite ? (
        <button type="button" className="primary" onClick={() => setPending({ action: "create" })}>
          New preset
        </button>
      ) : null}
      <QueryState query={presets} what="presets">
        {(page) =>
          page.items.length === 0 ? (
            <Empty>None yet.</Empty>
          ) : (
            <PresetTable kind={kind} presets={page.items} canWrite={canWrite} onAct={setPending} />
          )
        }
      </QueryState>
      {pending === null ? null : pending.action === "retire" ? (
        <RetireDialog kind={kind} preset={pending.preset} onClose={() => setPending(null)} />
      ) : (
        <NameDialog
          kind={kind}
          preset={pending.action === "rename" ? pending.preset : null}
          onClose={() => setPending(null)}
        />
      )}
    </section>
  )
}

export const PresetsPage = () => {
  const trpc = useTRPC()
  const { canWrite } = usePermissions()
  const kinds = useQuery(trpc.dialectPresets.kinds.queryOptions())
  const [selected, setSelected] = useState<string | null>(null)
  const idOf = (kind: Kind) => `${kind.dialect}/${kind.kind}`
  return (
    <>
      <PageHeader title="Presets" />
      <QueryState query={kinds} what="preset kinds">
        {(list) => {
          const current = list.find((kind) => idOf(kind) === selected) ?? list[0]
          if (current === undefined) return <Empty>No mounted dialect resolves presets by name.</Empty>
          return (
            <>
              <label>
                Kind{" "}
                <select value={idOf(current)} onChange={(event) => setSelected(event.target.value)}>
                  {list.map((kind) => (
                    <option key={idOf(kind)} value={idOf(kind)}>
                      {kind.dialectTitle}: {kind.label}
                    </option>
                  ))}
                </select>
              </label>
              <KindPresets key={idOf(current)} kind={current} canWrite={canWrite} />
            </>
          )
        }}
      </QueryState>
    </>
  )
}
