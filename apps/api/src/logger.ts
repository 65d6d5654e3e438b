/**
 * Structured JSON logging: one JSON object per line on stdout (`time`, `level`, `msg`, then the
 * fields), filtered by the configured level. The access log, startup messages and unexpected
 * errors all go through it, so the output can be piped into any log collector as is.
 */
import type { LogLevel } from "./config.ts"

export type LogFields = Readonly<Record<string, unknown>>

export interface Logger {
  readonly debug: (msg: string, fields?: LogFields) => void
  readonly info: (msg: string, fields?: LogFields) => void
  readonly warn: (msg: string, fields?: LogFields) => void
  readonly error: (msg: string, fields?: LogFields) => void
}

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 }

const errorFields = (value: unknown): unknown =>
  value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value

export const createJsonLogger = (options: {
  readonly level: LogLevel
  readonly write?: (line: string) => void
}): Logger => {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`))
  const at =
    (level: LogLevel) =>
    (msg: string, fields: LogFields = {}): void => {
      if (rank[level] < rank[options.level]) return
      const entries = Object.entries(fields).map(([key, value]) => [key, errorFields(value)])
      write(JSON.stringify({ time: new Date().toISOString(), level, msg, ...Object.fromEntries(entries) }))
    }
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") }
}
