/**
 * The throttle on logins and failed authentications, shared by every protocol of one server: each
 * login counts against its client address (`loginsPerMinute`), and each failed credential check
 * or login against both its client address (`failuresPerClient`) and the account name it claimed
 * (`failuresPerAccount`), per `failureWindowSeconds`. Each limit is a token bucket that refills
 * evenly over its window, so a client that stops is let in again gradually rather than all at
 * once. While a client address or an account is over its failure limit every credential check for
 * it is refused before it runs (no scrypt is spent on it); the refusal says how many seconds to
 * wait, which the dialects send as `Retry-After` with `TooManyRequests` in their own shape. The
 * state lives in memory, bounded to `maxTracked` keys per kind (the least recently touched go).
 */

/** Who is trying: the client address as the host sees it, and the account name the credentials claim. */
export interface AuthAttempt {
  /** `null` when the host cannot tell (then only the account limit applies). */
  readonly clientAddress: string | null
  /** An e-mail or user name (compared case-insensitively); `null` for tokens and API keys. */
  readonly account: string | null
}

/** See the module comment. Each `admit…` answers `null` (go ahead) or the seconds to wait. */
export interface AuthThrottle {
  /** Before a login (a vendor's token endpoint, the console's sign-in): counts it and checks the failure limits. */
  readonly admitLogin: (attempt: AuthAttempt) => number | null
  /** Before any other credential check: only the failure limits, nothing counted. */
  readonly admitCheck: (attempt: AuthAttempt) => number | null
  /** After credentials were presented and refused. */
  readonly recordFailure: (attempt: AuthAttempt) => void
}

/** Options of {@link makeAuthThrottle}. */
export interface AuthThrottleOptions {
  /** Logins per minute per client address. Default 30. */
  readonly loginsPerMinute?: number | undefined
  /** Failed authentications per window per client address. Default 50. */
  readonly failuresPerClient?: number | undefined
  /** Failed authentications per window per account name. Default 10. */
  readonly failuresPerAccount?: number | undefined
  /** The failure window in seconds. Default 900 (15 minutes). */
  readonly failureWindowSeconds?: number | undefined
  /** Keys remembered per kind. Default 100 000. */
  readonly maxTracked?: number | undefined
  /** Clock in milliseconds; default `Date.now` (tests pin it). */
  readonly now?: (() => number) | undefined
}

interface Bucket {
  tokens: number
  updatedAt: number
}

/** A set of token buckets of one capacity and refill rate, keyed by string. */
const bucketSet = (capacity: number, windowMillis: number, maxTracked: number) => {
  const buckets = new Map<string, Bucket>()
  const perMilli = capacity / windowMillis
  const current = (key: string, at: number): Bucket => {
    const bucket = buckets.get(key)
    if (bucket === undefined) return { tokens: capacity, updatedAt: at }
    return { tokens: Math.min(capacity, bucket.tokens + (at - bucket.updatedAt) * perMilli), updatedAt: at }
  }
  const store = (key: string, bucket: Bucket) => {
    buckets.delete(key)
    if (bucket.tokens >= capacity) return // full again: nothing to remember
    buckets.set(key, bucket)
    while (buckets.size > maxTracked) {
      const oldest = buckets.keys().next()
      if (oldest.done) break
      buckets.delete(oldest.value)
    }
  }
  /** Seconds until one token is back, or `null` when one is there now. */
  const wait = (bucket: Bucket): number | null =>
    bucket.tokens >= 1 ? null : Math.max(1, Math.ceil(Math.round((1 - bucket.tokens) / perMilli) / 1000))
  return {
    /** Takes a token when there is one; otherwise the seconds to wait. */
    take: (key: string, at: number): number | null => {
      const bucket = current(key, at)
      const refused = wait(bucket)
      if (refused === null) bucket.tokens -= 1
      store(key, bucket)
      return refused
    },
    /** The seconds to wait before a token is there, or `null`; takes nothing. */
    peek: (key: string, at: number): number | null => wait(current(key, at)),
    /** Takes a token, down to zero. */
    drain: (key: string, at: number): void => {
      const bucket = current(key, at)
      bucket.tokens = Math.max(0, bucket.tokens - 1)
      store(key, bucket)
    }
  }
}

const normalizeAccount = (account: string | null): string | null => {
  const trimmed = account?.trim().toLowerCase().slice(0, 320) ?? ""
  return trimmed === "" ? null : trimmed
}

const longest = (...waits: ReadonlyArray<number | null>): number | null =>
  waits.reduce<number | null>((max, wait) => (wait === null ? max : max === null ? wait : Math.max(max, wait)), null)

/** The in-memory {@link AuthThrottle}; see the module comment. */
export const makeAuthThrottle = (options: AuthThrottleOptions = {}): AuthThrottle => {
  const now = options.now ?? Date.now
  const maxTracked = options.maxTracked ?? 100_000
  const windowMillis = (options.failureWindowSeconds ?? 900) * 1000
  const logins = bucketSet(options.loginsPerMinute ?? 30, 60_000, maxTracked)
  const clientFailures = bucketSet(options.failuresPerClient ?? 50, windowMillis, maxTracked)
  const accountFailures = bucketSet(options.failuresPerAccount ?? 10, windowMillis, maxTracked)

  const failureWait = (attempt: AuthAttempt, at: number): number | null => {
    const account = normalizeAccount(attempt.account)
    return longest(
      attempt.clientAddress === null ? null : clientFailures.peek(attempt.clientAddress, at),
      account === null ? null : accountFailures.peek(account, at)
    )
  }

  return {
    admitLogin: (attempt) => {
      const at = now()
      const failing = failureWait(attempt, at)
      if (failing !== null) return failing
      return attempt.clientAddress === null ? null : logins.take(attempt.clientAddress, at)
    },
    admitCheck: (attempt) => failureWait(attempt, now()),
    recordFailure: (attempt) => {
      const at = now()
      const account = normalizeAccount(attempt.account)
      if (attempt.clientAddress !== null) clientFailures.drain(attempt.clientAddress, at)
      if (account !== null) accountFailures.drain(account, at)
    }
  }
}
