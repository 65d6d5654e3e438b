/**
 * One payment: every field; its allocations, reversals, collections and refunds; a timeline from
 * the event log (what happened, when, who did it and through which protocol); the actions the
 * lifecycle allows from its current state, each behind a confirmation with its own idempotency
 * key and errors in words (hidden entirely for read-only users); and the dialect views — the
 * same payment as each vendor dialect returns it, side by side as JSON.
 */
import { useMutation, useQuery } from "@tanstack/react-query"
import { type ReactNode, useState } from "react"
import { useForm } from "react-hook-form"
import { Link } from "react-router"
import { DateTime, FieldList, JsonBlock, JsonTextBlock, Money, PageHeader, StateBadge } from "../components/bits.tsx"
import { ConfirmDialog } from "../components/confirm-dialog.tsx"
import { Empty, ErrorNotice, QueryState } from "../components/states.tsx"
import { useDialogMutationOptions } from "../lib/dialog-mutation.ts"
import { allowedActions, type ConsoleAction, type PaymentStateName } from "../lib/lifecycle.ts"
import { checkAmount, formatMoney, minorToDecimal } from "../lib/money.ts"
import { useRouteId } from "../lib/route-id.ts"
import { usePermissions } from "../lib/session.tsx"
import { type RouterOutputs, useTRPC } from "../lib/trpc.ts"

type Detail = RouterOutputs["payments"]["get"]

const actionLabels: Readonly<Record<ConsoleAction, string>> = {
  post: "Post",
  reject: "Reject",
  cancel: "Cancel payment",
  "request-collection": "Request collection",
  "mark-collected": "Mark collected",
  "cancel-collection": "Cancel collection",
  "fail-collection": "Collection failed",
  reverse: "Reverse",
  reinstate: "Reinstate",
  allocate: "Allocate",
  refund: "Refund"
}

const consequences: Readonly<Record<ConsoleAction, string>> = {
  post: "Posting books the payment: it credits the customer's balance and gets a payment number.",
  reject: "Rejecting ends the payment without booking it. Say why.",
  cancel: "Cancelling ends the payment without booking it.",
  "request-collection": "The payment waits (pending) while the amount is collected by direct debit or card.",
  "mark-collected": "The collection succeeded: the payment posts and credits the balance.",
  "cancel-collection": "The collection is called off and the payment is cancelled.",
  "fail-collection": "The collection failed: the payment goes back to draft.",
  reverse: "A reversal takes (part of) the posted amount back off the customer's balance.",
  reinstate: "Reinstating undoes the latest active reversal and credits the balance again.",
  allocate: "Allocating applies part of the payment to an open invoice of the same customer.",
  refund: "A refund pays money back to the customer and debits the balance."
}

interface ActionForm {
  reason: string
  amount: string
  effectiveDate: string
  method: "direct-debit" | "card"
  documentId: string
}

const ActionDialog = ({ action, detail, onClose }: { action: ConsoleAction; detail: Detail; onClose: () => void }) => {
  const trpc = useTRPC()
  const options = useDialogMutationOptions(onClose)
  const payment = detail.payment
  const paymentId = payment.id
  const form = useForm<ActionForm>({
    defaultValues: { reason: "", amount: "", effectiveDate: "", method: "direct-debit", documentId: "" }
  })
  const documents = useQuery({
    ...trpc.documents.list.queryOptions({ customerId: payment.customerId, unpaidOnly: true, limit: 200 }),
    enabled: action === "allocate"
  })
  const mutations = {
    post: useMutation(trpc.payments.post.mutationOptions(options)),
    reject: useMutation(trpc.payments.reject.mutationOptions(options)),
    cancel: useMutation(trpc.payments.cancel.mutationOptions(options)),
    requestCollection: useMutation(trpc.payments.requestCollection.mutationOptions(options)),
    markCollected: useMutation(trpc.payments.markCollected.mutationOptions(options)),
    cancelCollection: useMutation(trpc.payments.cancelCollection.mutationOptions(options)),
    failCollection: useMutation(trpc.payments.failCollection.mutationOptions(options)),
    reverse: useMutation(trpc.payments.reverse.mutationOptions(options)),
    reinstate: useMutation(trpc.payments.reinstate.mutationOptions(options)),
    allocate: useMutation(trpc.payments.allocate.mutationOptions(options)),
    refund: useMutation(trpc.payments.refund.mutationOptions(options))
  }
  const all = Object.values(mutations)
  const busy = all.some((mutation) => mutation.isPending)
  const error = all.find((mutation) => mutation.error)?.error ?? null
  const optionalText = (text: string) => (text.trim() === "" ? null : text.trim())
  const optionalAmount = (text: string) => (text.trim() === "" ? {} : { amount: text.trim() })
  const submit = form.handleSubmit((values) => {
    switch (action) {
      case "post":
        return mutations.post.mutate({ paymentId })
      case "reject":
        return mutations.reject.mutate({ paymentId, reason: values.reason.trim() })
      case "cancel":
        return mutations.cancel.mutate({ paymentId, reason: optionalText(values.reason) })
      case "request-collection":
        return mutations.requestCollection.mutate({ paymentId, method: values.method })
      case "mark-collected":
        return mutations.markCollected.mutate({ paymentId })
      case "cancel-collection":
        return mutations.cancelCollection.mutate({ paymentId, reason: optionalText(values.reason) })
      case "fail-collection":
        return mutations.failCollection.mutate({ paymentId, reason: optionalText(values.reason) })
      case "reverse":
        return mutations.reverse.mutate({
          paymentId,
          ...optionalAmount(values.amount),
          ...(values.effectiveDate === "" ? {} : { effectiveDate: values.effectiveDate }),
          reason: optionalText(values.reason)
        })
      case "reinstate":
        return mutations.reinstate.mutate({ paymentId })
      case "allocate":
        return mutations.allocate.mutate({
          paymentId,
          allocations: [{ documentId: Number(values.documentId), amount: values.amount.trim() }]
        })
      case "refund":
        return mutations.refund.mutate({
          paymentId,
          ...optionalAmount(values.amount),
          reason: optionalText(values.reason)
        })
    }
  })
  const { errors } = form.formState
  const needsReason = action === "reject"
  const takesReason = ["reject", "cancel", "cancel-collection", "fail-collection", "reverse", "refund"].includes(action)
  const takesAmount = ["reverse", "allocate", "refund"].includes(action)
  const amountRequired = action === "allocate"
  const left = BigInt(payment.amount) - BigInt(payment.reversedAmount) - BigInt(payment.refundedAmount)
  return (
    <ConfirmDialog
      title={`${actionLabels[action]} payment ${payment.referenceNumber}`}
      description={
        <>
          <p>{consequences[action]}</p>
          <p className="muted">
            Amount {formatMoney(payment.amount, payment.currency)}; not reversed or refunded{" "}
            {formatMoney(left, payment.currency)}.
          </p>
        </>
      }
      confirmLabel={actionLabels[action]}
      danger={["reject", "cancel", "reverse", "refund", "cancel-collection"].includes(action)}
      busy={busy}
      onCancel={onClose}
      onConfirm={() => void submit()}
    >
      {action === "request-collection" ? (
        <label>
          Collection method
          <select {...form.register("method")}>
            <option value="direct-debit">Direct debit</option>
            <option value="card">Card</option>
          </select>
        </label>
      ) : null}
      {action === "allocate" ? (
        <>
          <label>
            Invoice
            <select {...form.register("documentId", { required: "Choose an invoice" })}>
              <option value="">Choose…</option>
              {(documents.data?.items ?? []).map((document) => (
                <option key={document.id} value={document.id}>
                  {document.kind} {document.number} — outstanding {formatMoney(document.outstanding, document.currency)}
                </option>
              ))}
            </select>
          </label>
          {documents.data?.items.length === 0 ? <p className="muted">This customer has no open invoice.</p> : null}
          {errors.documentId ? <p className="field-error">{errors.documentId.message}</p> : null}
        </>
      ) : null}
      {takesAmount ? (
        <label>
          Amount ({payment.currency}){amountRequired ? "" : " — leave empty for all that is left"}
          <input
            inputMode="decimal"
            {...form.register("amount", {
              validate: (value) =>
                (!amountRequired && value.trim() === "") || checkAmount(value, payment.currency, "25.00")
            })}
          />
        </label>
      ) : null}
      {errors.amount ? <p className="field-error">{errors.amount.message}</p> : null}
      {action === "reverse" ? (
        <label>
          Effective date (default today)
          <input type="date" {...form.register("effectiveDate")} />
        </label>
      ) : null}
      {takesReason ? (
        <label>
          Reason{needsReason ? "" : " (optional)"}
          <input
            {...form.register("reason", {
              validate: (v) => !needsReason || v.trim() !== "" || "Say why the payment is rejected"
            })}
          />
        </label>
      ) : null}
      {errors.reason ? <p className="field-error">{errors.reason.message}</p> : null}
      {error ? <ErrorNotice error={error} /> : null}
    </ConfirmDialog>
  )
}

const Section = ({ title, children, wide = false }: { title: string; children: ReactNode; wide?: boolean }) => (
  <section className={wide ? "card wide" : "card"} aria-label={title}>
    <h2>{title}</h2>
    {children}
  </section>
)

const Timeline = ({ paymentId }: { paymentId: number }) => {
  const trpc = useTRPC()
  const events = useQuery(trpc.events.feed.queryOptions({ paymentId, limit: 200 }))
  return (
    <QueryState query={events} what="the timeline">
      {(page) =>
        page.items.length === 0 ? (
          <Empty>No events recorded.</Empty>
        ) : (
          <ol className="timeline">
            {page.items.map((event) => (
              <li key={event.id}>
                <strong>{event.type}</strong> <DateTime iso={event.occurredAt} />
                <div className="muted">
                  by {event.actorName} (#{event.actorId}) via <code>{event.origin}</code>
                  {event.idempotencyKey ? (
                    <>
                      {" "}
                      · key <code>{event.idempotencyKey}</code>
                    </>
                  ) : null}
                  {event.requestId ? (
                    <>
                      {" "}
                      · request <code>{event.requestId}</code>
                    </>
                  ) : null}
                </div>
                {Object.keys(event.data).length > 0 ? (
                  <div className="event-data">
                    {Object.entries(event.data)
                      .map(
                        ([key, value]) => `${key}: ${typeof value === "object" ? JSON.stringify(value) : String(value)}`
                      )
                      .join(" · ")}
                  </div>
                ) : null}
              </li>
            ))}
          </ol>
        )
      }
    </QueryState>
  )
}

const DialectViews = ({ paymentId }: { paymentId: number }) => {
  const trpc = useTRPC()
  const views = useQuery(trpc.dialects.paymentViews.queryOptions({ paymentId }))
  return (
    <QueryState query={views} what="the dialect views">
      {(data) => (
        <div className="dialect-views">
          <figure>
            <figcaption>Paybridge (tRPC)</figcaption>
            <JsonBlock value={data.canonical.payment} label="Paybridge view" />
          </figure>
          {data.views.length === 0 ? <Empty>No vendor dialect is mounted on this server.</Empty> : null}
          {data.views.map((view) => (
            <figure key={view.dialect} data-dialect={view.dialect}>
              <figcaption>
                {view.title} <code>{view.basePath}</code>
              </figcaption>
              {view.status === "rendered" ? (
                <JsonTextBlock text={view.json} label={`${view.title} view`} />
              ) : view.status === "not-implemented" ? (
                <p className="state state-empty">This dialect does not render payments yet (no renderPayment hook).</p>
              ) : (
                <p className="state state-error" role="alert">
                  The dialect failed to render this payment: {view.error}
                </p>
              )}
            </figure>
          ))}
        </div>
      )}
    </QueryState>
  )
}

const PaymentView = ({ detail }: { detail: Detail }) => {
  const { canWrite } = usePermissions()
  const [action, setAction] = useState<ConsoleAction | null>(null)
  const payment = detail.payment
  const money = (minor: string) => <Money minor={minor} currency={payment.currency} />
  const actions = allowedActions({
    state: payment.state as PaymentStateName,
    amount: payment.amount,
    reversedAmount: payment.reversedAmount,
    allocatedAmount: payment.allocatedAmount,
    refundedAmount: payment.refundedAmount,
    collectionOpen: detail.collections.some((collection) => collection.state === "requested")
  })
  return (
    <>
      <PageHeader title={`Payment ${payment.referenceNumber}`}>
        <StateBadge state={payment.state} />
      </PageHeader>
      {canWrite && actions.length > 0 ? (
        <fieldset className="actions">
          <legend className="visually-hidden">Payment actions</legend>
          {actions.map((name) => (
            <button key={name} type="button" onClick={() => setAction(name)}>
              {actionLabels[name]}
            </button>
          ))}
        </fieldset>
      ) : null}
      {action ? <ActionDialog action={action} detail={detail} onClose={() => setAction(null)} /> : null}
      <div className="detail-grid">
        <Section title="Details" wide>
          <FieldList
            fields={[
              ["Id", payment.id],
              ["Public id", <code key="p">{payment.publicId}</code>],
              ["Reference number", payment.referenceNumber],
              ["Number", payment.number],
              [
                "Customer",
                <Link key="c" to={`/customers/${payment.customerId}`}>
                  #{payment.customerId}
                </Link>
              ],
              ["Amount", money(payment.amount)],
              ["Allocated", money(payment.allocatedAmount)],
              [
                "Unallocated",
                money(
                  String(
                    BigInt(payment.amount) -
                      BigInt(payment.reversedAmount) -
                      BigInt(payment.refundedAmount) -
                      BigInt(payment.allocatedAmount)
                  )
                )
              ],
              ["Reversed", money(payment.reversedAmount)],
              ["Refunded", money(payment.refundedAmount)],
              ["State", payment.state],
              ["Payment date", payment.paymentDate],
              ["Posted on", payment.postedOn],
              ["Posted at", <DateTime key="pa" iso={payment.postedAt} />],
              [
                "Balance after posting",
                payment.balanceAfterPosting === null ? null : money(payment.balanceAfterPosting)
              ],
              ["Reversal date", payment.reversalDate],
              ["Method id", payment.methodId],
              ["Type id", payment.typeId],
              ["Gateway id", payment.gatewayId],
              ["Gateway reference", payment.gatewayReference],
              ["Billing entity", payment.billingEntityId],
              ["Rejection reason", payment.rejectionReason],
              ["Rejected at", <DateTime key="ra" iso={payment.rejectedAt} />],
              ["Cancelled at", <DateTime key="ca" iso={payment.cancelledAt} />],
              ["Description", payment.references.description],
              ["Notes", payment.references.notes],
              ["Our reference", payment.references.reference],
              ["Customer reference", payment.references.customerReference],
              ["Check number", payment.references.checkNumber],
              ["Third-party reference", payment.references.thirdPartyReference],
              [
                "Custom fields",
                Object.keys(payment.customFields).length === 0 ? null : JSON.stringify(payment.customFields)
              ],
              [
                "External ref",
                payment.externalRef === null ? null : `${payment.externalRef.system}: ${payment.externalRef.id}`
              ],
              ["Origin", <code key="o">{payment.origin}</code>],
              ["Created by", payment.createdBy],
              ["Created at", <DateTime key="cr" iso={payment.createdAt} />],
              ["Updated at", <DateTime key="up" iso={payment.updatedAt} />],
              ["Version", payment.version]
            ]}
          />
        </Section>
        <Section title="Allocations">
          {detail.allocations.length === 0 ? (
            <Empty>Not allocated to any invoice.</Empty>
          ) : (
            <ul className="plain">
              {detail.allocations.map((allocation) => (
                <li key={allocation.id}>
                  {money(allocation.amount)} to{" "}
                  <Link to={`/invoices/${allocation.documentId}`}>document #{allocation.documentId}</Link>{" "}
                  <DateTime iso={allocation.createdAt} />
                </li>
              ))}
            </ul>
          )}
        </Section>
        <Section title="Reversals">
          {detail.reversals.length === 0 ? (
            <Empty>Never reversed.</Empty>
          ) : (
            <ul className="plain">
              {detail.reversals.map((reversal) => (
                <li key={reversal.id}>
                  {money(reversal.amount)} effective {reversal.effectiveDate}
                  {reversal.reason ? ` — ${reversal.reason}` : ""}{" "}
                  {reversal.reinstatedAt ? (
                    <span className="badge badge-posted">reinstated</span>
                  ) : (
                    <span className="badge badge-rejected">active</span>
                  )}
                </li>
              ))}
            </ul>
          )}
        </Section>
        <Section title="Collections">
          {detail.collections.length === 0 ? (
            <Empty>No collection requested.</Empty>
          ) : (
            <ul className="plain">
              {detail.collections.map((collection) => (
                <li key={collection.id}>
                  {collection.method}: <StateBadge state={collection.state} /> requested{" "}
                  <DateTime iso={collection.requestedAt} />
                  {collection.failureReason ? ` — ${collection.failureReason}` : ""}
                </li>
              ))}
            </ul>
          )}
        </Section>
        <Section title="Refunds">
          {detail.refunds.length === 0 ? (
            <Empty>No refunds.</Empty>
          ) : (
            <ul className="plain">
              {detail.refunds.map((refund) => (
                <li key={refund.id}>
                  {money(refund.amount)} <StateBadge state={refund.state} /> <DateTime iso={refund.createdAt} />
                  {refund.reason ? ` — ${refund.reason}` : ""}
                </li>
              ))}
            </ul>
          )}
        </Section>
        <Section title="Timeline" wide>
          <Timeline paymentId={payment.id} />
        </Section>
      </div>
      <section className="card" aria-label="Dialect views">
        <h2>Dialect views</h2>
        <p className="muted">
          The same payment as each vendor dialect returns it — what an old client sees. Amounts:{" "}
          {minorToDecimal(payment.amount, payment.currency)} {payment.currency}.
        </p>
        <DialectViews paymentId={payment.id} />
      </section>
    </>
  )
}

export const PaymentDetailPage = () => {
  const trpc = useTRPC()
  const { raw, id, valid } = useRouteId("paymentId")
  const detail = useQuery({ ...trpc.payments.get.queryOptions({ id }), enabled: valid })
  if (!valid) return <Empty>“{String(raw)}” is not a payment id.</Empty>
  return (
    <QueryState query={detail} what="the payment">
      {(data) => <PaymentView detail={data} />}
    </QueryState>
  )
}
