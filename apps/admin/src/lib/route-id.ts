/**
 * The numeric id a detail page reads from its route (`/customers/:customerId` …): the raw text as
 * typed, the number, and whether it is a positive safe integer — a page queries only a valid id and
 * otherwise says “… is not a … id”.
 */
import { useParams } from "react-router"

export interface RouteId {
  readonly raw: string | undefined
  readonly id: number
  readonly valid: boolean
}

export const useRouteId = (param: string): RouteId => {
  const raw = useParams()[param]
  const id = Number(raw)
  return { raw, id, valid: Number.isSafeInteger(id) && id > 0 }
}
