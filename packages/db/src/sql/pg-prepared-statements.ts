/**
 * Named prepared statements on PostgreSQL for the long statements the read models send (issue 14):
 * a payment view is one statement of ten union branches (≈ 49 KB of text for LogiSense's get), and
 * PostgreSQL spent ≈ 6.9 ms planning it against ≈ 1.1 ms executing it, on every request, besides
 * sending the text each time. `preparedStatementsPool` makes each pooled client send a statement of at
 * least `minimumLength` characters as a named prepared statement (its name a hash of the text): the
 * server parses it once per connection, and after a few executions keeps a generic plan when it is
 * no costlier than a custom one (PostgreSQL's own rule). At most `perConnection` names are prepared
 * per connection (the oldest are not evicted: later new texts simply run unnamed), so a connection's
 * server memory stays bounded; a connection the pool closes takes its statements with it. A shorter
 * statement that opens with {@link preparedStatementHint} is prepared too (one that costs more to plan
 * than to run, e.g. a customer's payment totals). Other short statements, cursors and statements
 * without parameters go through unchanged. Behind a pooler in
 * transaction mode (pgbouncer < 1.21) named statements do not survive: set
 * `PAYBRIDGE_PG_PREPARED=off` there.
 */
import { createHash } from "node:crypto"

interface QueryableClient {
  query: (...args: Array<unknown>) => unknown
}
interface ConnectEmitter {
  on: (event: "connect", listener: (client: QueryableClient) => void) => unknown
}

export interface PreparedStatementOptions {
  readonly minimumLength?: number
  readonly perConnection?: number
}

/**
 * A statement whose text opens with this comment is prepared whatever its length: for short
 * statements whose planning outweighs their execution (subqueries and aggregates over a few rows).
 */
export const preparedStatementHint = "/* prepared */ "

const nameOf = (text: string) => `pb_${createHash("sha1").update(text).digest("base64url").slice(0, 24)}`

/** Wraps every client the pool connects so long parameterised statements run as named prepared statements. */
export const preparedStatementsPool =
  ({ minimumLength = 2_000, perConnection = 256 }: PreparedStatementOptions = {}) =>
  (pool: ConnectEmitter): void => {
    pool.on("connect", (client) => {
      const query = client.query.bind(client)
      const prepared = new Set<string>()
      client.query = (...args: Array<unknown>) => {
        const [text, values] = args
        if (
          typeof text !== "string" ||
          (text.length < minimumLength && !text.startsWith(preparedStatementHint)) ||
          !Array.isArray(values) ||
          args.length > 2
        ) {
          return query(...args)
        }
        const name = nameOf(text)
        if (!prepared.has(name)) {
          if (prepared.size >= perConnection) return query(...args)
          prepared.add(name)
        }
        return query({ name, text, values })
      }
    })
  }
