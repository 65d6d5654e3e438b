/**
 * The shadow proxy's comparison: field by field whatever the key order, numbers by exact value,
 * arrays element by element, volatile fields left out by pattern, and each side's base URL taken
 * out of hyperlinks before strings are compared; and each vendor's shadow rules (what is a read,
 * which credentials are taken off a mirrored request, how requests are grouped by endpoint).
 */
import { describe, expect, test } from "vitest"
import { parseExactJson } from "../src/http/exact-json.ts"
import { compareJson, pathPattern } from "../src/shadow/json-compare.ts"
import { endpointOf } from "../src/shadow/shadow-rules.ts"
import { vendors } from "../src/sources/vendors.ts"

const parse = (text: string) => parseExactJson(text)

describe("compareJson", () => {
  test("equal answers in another key order and number spelling have no differences", () => {
    expect(compareJson(parse('{"a":75.00,"b":[1,{"c":"x"}]}'), parse('{"b":[1,{"c":"x"}],"a":75}'))).toEqual([])
  })

  test("each difference names the field with its indices and both values as JSON", () => {
    const differences = compareJson(
      parse('{"items":[{"amount":12.10,"status":["Reversed"]},{"amount":5}],"total":2}'),
      parse('{"items":[{"amount":12.11,"status":[]},{"amount":5}],"total":2,"extra":null}')
    )
    expect(differences).toEqual([
      { path: "items[0].amount", vendor: "12.10", paybridge: "12.11" },
      { path: "items[0].status[0]", vendor: '"Reversed"', paybridge: "(absent)" },
      { path: "items[0].status.length", vendor: "1", paybridge: "0" },
      { path: "extra", vendor: "(absent)", paybridge: "null" }
    ])
  })

  test("volatile fields are ignored by pattern; hyperlinks compare without each side's base URL", () => {
    const ignore = (path: string) =>
      [pathPattern("trackingId"), pathPattern("items[].created")].some((test) => test(path))
    const vendor = parse('{"trackingId":"a","items":[{"created":"1","url":"http://vendor/customers/1/"}]}')
    const paybridge = parse('{"trackingId":"b","items":[{"created":"2","url":"http://pb:3000/silver/customers/1/"}]}')
    expect(
      compareJson(vendor, paybridge, {
        ignore,
        normaliseVendor: (text) => text.replace("http://vendor", ""),
        normalisePaybridge: (text) => text.replace("http://pb:3000/silver", "")
      })
    ).toEqual([])
    expect(pathPattern("**.requestId")("error.requestId")).toBe(true)
    expect(pathPattern("items[].created")("items[].amount")).toBe(false)
  })

  test("a different type or a missing body is a difference at the top", () => {
    expect(compareJson(parse("[]"), parse("{}"))).toEqual([{ path: "(body)", vendor: "[]", paybridge: "{}" }])
    expect(compareJson(parse('"x"'), undefined)).toEqual([{ path: "(body)", vendor: '"x"', paybridge: "(absent)" }])
  })
})

describe("each vendor's shadow rules", () => {
  const request = (method: string, path: string, headers: Record<string, string> = {}) => ({
    method,
    path,
    headers,
    body: undefined
  })

  test("what is a read: GETs everywhere, LogiSense's Search POST too; logins and other POSTs are writes", () => {
    for (const vendor of Object.values(vendors)) {
      expect(vendor.shadow.isRead("GET", "payments/1")).toBe(true)
      expect(vendor.shadow.isRead("POST", "payments/")).toBe(false)
    }
    expect(vendors.logisense.shadow.isRead("POST", "api/v6/Payment/Search")).toBe(true)
    expect(vendors.logisense.shadow.isRead("POST", "AuthorizationServer/api/v6/Access/Login")).toBe(false)
    expect(vendors["crm-com"].shadow.isRead("POST", "authentication/token")).toBe(false)
    expect(vendors.silver.shadow.isRead("OPTIONS", "customers/1/payments/")).toBe(true)
  })

  test("the client's credentials are taken off a mirrored read: headers, and CRM.COM's token parameter", () => {
    expect(
      vendors.elevate.shadow.stripCredentials(request("GET", "refunds", { authorization: "Bearer x", accept: "a" }))
        .headers
    ).toEqual({
      accept: "a"
    })
    expect(
      vendors["crm-com"].shadow.stripCredentials(request("GET", "payments/show?token=T&payment_identifier=number%3D7"))
        .path
    ).toBe("payments/show?payment_identifier=number%3D7")
    expect(vendors["crm-com"].shadow.stripCredentials(request("GET", "payments/list?token=T")).path).toBe(
      "payments/list"
    )
  })

  test("requests count under their endpoint, ids replaced", () => {
    expect(endpointOf("get", "customers/12/payments/7/?page=2")).toBe("GET customers/{id}/payments/{id}/")
    expect(endpointOf("GET", "api/v6/Payment/-3/Detail")).toBe("GET api/v6/Payment/{id}/Detail")
    expect(endpointOf("GET", "payments/R12")).toBe("GET payments/{id}")
    expect(endpointOf("GET", "payments/show?payment_identifier=id=ABCDEF0123456789ABCDEF0123456789")).toBe(
      "GET payments/show"
    )
  })
})
