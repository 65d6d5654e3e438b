/**
 * Date wire formats: each vendor's exact output form, strict input (impossible days refused),
 * and request schemas that decode to the ledger's types.
 */
import { Result, Schema } from "effect"
import { describe, expect, it } from "vitest"
import { businessDate, iso8601, isoDateTimeMillis, isoDateTimeSeconds, localDateTime } from "../../src/formats/dates.ts"

const at = new Date(Date.UTC(2021, 3, 26, 15, 25, 27, 587))
const parsed = (result: Result.Result<Date, unknown>) => Result.getOrThrow(result).toISOString()

describe("business dates YYYY-MM-DD", () => {
  it("accepts real days only", () => {
    expect(Result.isSuccess(businessDate.parse("2024-02-29"))).toBe(true)
    expect(Result.isFailure(businessDate.parse("2023-02-29"))).toBe(true)
    expect(Result.isFailure(businessDate.parse("2024-13-01"))).toBe(true)
    expect(Result.isFailure(businessDate.parse("2024-1-01"))).toBe(true)
    // year 0 does not exist (PostgreSQL refuses it), so no dialect date may name it
    expect(Result.isFailure(businessDate.parse("0000-01-01"))).toBe(true)
    expect(() => Schema.decodeUnknownSync(businessDate.schema)("2024-04-31")).toThrow(/not a real date/)
    expect(Schema.decodeUnknownSync(businessDate.schema)("2024-04-30")).toBe("2024-04-30")
  })
})

describe("timestamps", () => {
  it("writes each vendor's form", () => {
    expect(localDateTime.format(at)).toBe("2021-04-26T15:25:27")
    expect(isoDateTimeMillis.format(at)).toBe("2021-04-26T15:25:27.587Z")
    expect(isoDateTimeSeconds.format(at)).toBe("2021-04-26T15:25:27Z")
  })

  it("reads zone-less local timestamps as UTC and refuses zones and fractions", () => {
    expect(parsed(localDateTime.parse("2014-07-14T10:41:13"))).toBe("2014-07-14T10:41:13.000Z")
    expect(Result.isFailure(localDateTime.parse("2014-07-14T10:41:13Z"))).toBe(true)
    expect(Result.isFailure(localDateTime.parse("2014-07-14T10:41:13.5"))).toBe(true)
    expect(Result.isFailure(localDateTime.parse("2014-07-14T24:00:00"))).toBe(true)
  })

  it("reads ISO 8601 with or without fraction, with Z or an offset", () => {
    expect(parsed(isoDateTimeMillis.parse("2021-04-26T15:25:27.587Z"))).toBe("2021-04-26T15:25:27.587Z")
    expect(parsed(isoDateTimeMillis.parse("2021-04-26T15:25:27Z"))).toBe("2021-04-26T15:25:27.000Z")
    expect(parsed(isoDateTimeMillis.parse("2021-04-26T17:25:27.5+02:00"))).toBe("2021-04-26T15:25:27.500Z")
    expect(parsed(isoDateTimeSeconds.parse("2021-04-26T15:25:27Z"))).toBe("2021-04-26T15:25:27.000Z")
    expect(Result.isFailure(isoDateTimeSeconds.parse("2021-04-26T15:25:27"))).toBe(true)
    expect(Result.isFailure(isoDateTimeSeconds.parse("2021-02-30T15:25:27Z"))).toBe(true)
  })

  it("round-trips through the request schemas", () => {
    for (const format of [localDateTime, isoDateTimeSeconds, isoDateTimeMillis]) {
      const text = format.format(at)
      const decoded = Schema.decodeUnknownSync(format.schema)(text)
      expect(Schema.encodeSync(format.schema)(decoded)).toBe(text)
    }
    expect(() => Schema.decodeUnknownSync(isoDateTimeMillis.schema)("2021-04-26")).toThrow()
  })
})

describe("any ISO 8601 form (iso8601)", () => {
  it("reads a date only, a time without zone (UTC), Z, offsets in every spelling, fractions of any length, basic format", () => {
    const cases: ReadonlyArray<readonly [string, string]> = [
      ["2021-04-26", "2021-04-26T00:00:00.000Z"],
      ["2021-04-26T15:25", "2021-04-26T15:25:00.000Z"],
      ["2021-04-26T15:25:27", "2021-04-26T15:25:27.000Z"],
      ["2021-04-26T15:25:27.587", "2021-04-26T15:25:27.587Z"],
      ["2021-04-26T15:25:27.5870000", "2021-04-26T15:25:27.587Z"],
      ["2021-04-26T15:25:27.587Z", "2021-04-26T15:25:27.587Z"],
      ["2021-04-26T15:25:27,5Z", "2021-04-26T15:25:27.500Z"],
      ["2021-04-26T17:25:27.587+02:00", "2021-04-26T15:25:27.587Z"],
      ["2021-04-26T10:25:27-0500", "2021-04-26T15:25:27.000Z"],
      ["2021-04-26T17:25:27+02", "2021-04-26T15:25:27.000Z"],
      ["20210426", "2021-04-26T00:00:00.000Z"],
      ["20210426T152527.587Z", "2021-04-26T15:25:27.587Z"]
    ]
    for (const [text, instant] of cases) {
      expect(parsed(iso8601.parse(text)), text).toBe(instant)
      expect(Schema.decodeUnknownSync(iso8601.schema)(text).toISOString(), text).toBe(instant)
    }
    expect(iso8601.format(at)).toBe("2021-04-26T15:25:27.587Z")
  })

  it("refuses anything else with one error naming the accepted forms", () => {
    for (const text of [
      "2021-02-30",
      "2021-04-26T24:00:00Z",
      "26/04/2021",
      "2021-04-26T15:25:27+25:00",
      "yesterday",
      ""
    ]) {
      expect(Result.isFailure(iso8601.parse(text)), text).toBe(true)
      const exit = Schema.decodeUnknownExit(iso8601.schema)(text, { errors: "all" })
      expect(exit._tag, text).toBe("Failure")
      const message = String(exit)
      expect(message).toContain("must be an ISO 8601 date or date and time")
      expect(message.match(/ISO 8601 date or date and time/g)?.length ?? 0).toBe(1)
    }
  })
})
