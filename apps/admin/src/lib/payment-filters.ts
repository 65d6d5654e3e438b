/**
 * The payments list's filters, kept in the URL's query string so a filtered view can be
 * bookmarked and shared, and turned into the `payments.list` input. Amount bounds are major-unit
 * text in the chosen currency; the API requires a currency with them and says so in words.
 */
import type { RouterInputs } from "./trpc.ts"

export const paymentStates = ["draft", "pending", "posted", "rejected", "cancelled"] as const
export type PaymentStateName = (typeof paymentStates)[number]

export interface PaymentFilters {
  readonly customerId: string
  readonly states: ReadonlyArray<PaymentStateName>
  readonly methodId: string
  readonly from: string
  readonly to: string
  readonly currency: string
  readonly amountMin: string
  readonly amountMax: string
  readonly origin: string
  readonly search: string
}

export const emptyFilters: PaymentFilters = {
  customerId: "",
  states: [],
  methodId: "",
  from: "",
  to: "",
  currency: "",
  amountMin: "",
  amountMax: "",
  origin: "",
  search: ""
}

const keys = {
  customerId: "customer",
  methodId: "method",
  from: "from",
  to: "to",
  currency: "currency",
  amountMin: "min",
  amountMax: "max",
  origin: "origin",
  search: "q"
} as const

export const filtersFromParams = (params: URLSearchParams): PaymentFilters => ({
  customerId: params.get(keys.customerId) ?? "",
  states: (params.get("state") ?? "")
    .split(",")
    .filter((state): state is PaymentStateName => (paymentStates as ReadonlyArray<string>).includes(state)),
  methodId: params.get(keys.methodId) ?? "",
  from: params.get(keys.from) ?? "",
  to: params.get(keys.to) ?? "",
  currency: params.get(keys.currency) ?? "",
  amountMin: params.get(keys.amountMin) ?? "",
  amountMax: params.get(keys.amountMax) ?? "",
  origin: params.get(keys.origin) ?? "",
  search: params.get(keys.search) ?? ""
})

export const filtersToParams = (filters: PaymentFilters): URLSearchParams => {
  const params = new URLSearchParams()
  for (const [field, key] of Object.entries(keys) as Array<[keyof typeof keys, string]>) {
    const value = filters[field].trim()
    if (value !== "") params.set(key, value)
  }
  if (filters.states.length > 0) params.set("state", filters.states.join(","))
  return params
}

type ListInput = RouterInputs["payments"]["list"]

const positiveInt = (text: string): number | undefined => {
  const value = Number(text)
  return Number.isSafeInteger(value) && value > 0 ? value : undefined
}

/** The `payments.list` input for these filters (no cursor, no limit). */
export const toListInput = (filters: PaymentFilters): ListInput => {
  const input: { -readonly [K in keyof ListInput]: ListInput[K] } = {}
  const customerId = positiveInt(filters.customerId)
  if (customerId !== undefined) input.customerId = customerId
  if (filters.states.length > 0) input.states = [...filters.states]
  const methodId = positiveInt(filters.methodId)
  if (methodId !== undefined) input.methodId = methodId
  if (filters.from !== "") input.paymentDateFrom = filters.from
  if (filters.to !== "") input.paymentDateTo = filters.to
  if (filters.currency !== "") input.currency = filters.currency.toUpperCase() as NonNullable<ListInput["currency"]>
  if (filters.amountMin.trim() !== "") input.amountMin = filters.amountMin.trim()
  if (filters.amountMax.trim() !== "") input.amountMax = filters.amountMax.trim()
  if (filters.origin !== "") input.origin = filters.origin
  if (filters.search.trim() !== "") input.search = filters.search.trim()
  return input
}
