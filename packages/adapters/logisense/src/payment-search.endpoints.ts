/**
 * LogiSense `POST Payment/Search` (the vendor's search requests): `{query:{top?, search?, orderBy?,
 * pagination?, fields?}}` answers `{trackingId, totalCount, items}` — every match counted, `top`
 * (default 100 without `pagination`) limiting, then `pagination` paging and `fields` projecting.
 * Checking and compiling the terms, and the list engine it shares with `GET Payment/` and `Paged`,
 * are in `payment-search.transformers.ts`.
 */
import { type Endpoint, endpoint, ok } from "@paybridge/adapter-kit"
import { Effect, Schema } from "effect"
import { trackingIdOf } from "./logisense.errors.ts"
import { LogisenseList, LogisenseSearchBody, paymentPath } from "./logisense.schemas.ts"
import { proven } from "./logisense.transformers.ts"
import { makeResolver } from "./payment-resolver.transformers.ts"
import { defaultPagination, listRows } from "./payment-search.transformers.ts"

export const paymentSearchEndpoints: ReadonlyArray<Endpoint> = [
  endpoint({
    method: "POST",
    path: `${paymentPath}/Search`,
    operationId: "searchPayments",
    summary: "Search payments (search terms, orderBy, top, pagination, fields)",
    tags: ["Payment"],
    request: { body: LogisenseSearchBody },
    responses: { 200: { description: "The matching rows", schema: LogisenseList(Schema.Unknown) } },
    tests: proven(
      "records",
      "search compiles every operator and refuses unknown fields",
      "search orders, limits with top, pages and projects fields"
    ),
    implemented: true,
    handler: ({ body, requestId }) =>
      Effect.gen(function* () {
        const query = body.query
        const resolver = yield* makeResolver
        const result = yield* listRows(resolver, {
          search: query.search ?? [],
          orderBy: query.orderBy ?? [],
          fields: query.fields ?? null,
          top: query.top ?? (query.pagination === undefined ? 100 : null),
          page:
            query.pagination === undefined
              ? null
              : {
                  pageNumber: query.pagination.pageNumber ?? defaultPagination.pageNumber,
                  pageSize: query.pagination.pageSize ?? defaultPagination.pageSize
                },
          excludeTotalCount: query.pagination?.excludeTotalCount ?? false,
          withDetail: false
        })
        return ok({ trackingId: trackingIdOf(requestId), totalCount: result.totalCount, items: result.items })
      })
  })
]
