/**
 * The cryptography behind Paybridge credentials, free of any storage: scrypt hashing of API-key
 * secrets and passwords in the self-describing form `scrypt$N$r$p$salt$hash` (so the cost can be
 * raised later without invalidating stored hashes), constant-time verification, and the shape of
 * API keys, `pbk_<prefix>_<secret>`: a random 12-character lookup prefix and a 32-byte base64url
 * secret. The Authenticator layer builds on these; nothing here touches the database.
 */
import { createHash, createHmac, randomBytes, randomInt, scrypt, timingSafeEqual } from "node:crypto"

/** scrypt cost parameters: `N` (CPU/memory cost, a power of two), block size `r`, parallelism `p`. */
export interface KdfCost {
  readonly N: number
  readonly r: number
  readonly p: number
}

/** The production cost: N = 2^15, r = 8, p = 1 (about 32 MiB and tens of milliseconds per hash). */
export const productionKdfCost: KdfCost = { N: 2 ** 15, r: 8, p: 1 }

/** A deliberately cheap cost for tests only; never use it for real credentials. */
export const testKdfCost: KdfCost = { N: 2 ** 8, r: 8, p: 1 }

const saltBytes = 16
const hashBytes = 32

/** The cost bounds a stored hash may declare; anything outside is treated as corrupt, not computed. */
const isAcceptableCost = ({ N, r, p }: KdfCost): boolean =>
  Number.isSafeInteger(N) &&
  N >= 2 &&
  N <= 2 ** 20 &&
  (N & (N - 1)) === 0 &&
  Number.isSafeInteger(r) &&
  r >= 1 &&
  r <= 32 &&
  Number.isSafeInteger(p) &&
  p >= 1 &&
  p <= 16

const derive = (secret: string, salt: Buffer, cost: KdfCost, length: number): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    // scrypt needs 128 * N * r bytes; Node's default ceiling (32 MiB) is exactly the production need.
    const maxmem = 256 * cost.N * cost.r + 1024 * 1024
    scrypt(secret.normalize("NFC"), salt, length, { N: cost.N, r: cost.r, p: cost.p, maxmem }, (error, key) =>
      error ? reject(error) : resolve(key)
    )
  })

/** Hashes a secret with a fresh random salt; the result carries its own parameters. */
export const hashSecret = async (secret: string, cost: KdfCost = productionKdfCost): Promise<string> => {
  if (!isAcceptableCost(cost)) throw new RangeError(`unsupported scrypt cost N=${cost.N} r=${cost.r} p=${cost.p}`)
  const salt = randomBytes(saltBytes)
  const hash = await derive(secret, salt, cost, hashBytes)
  return ["scrypt", cost.N, cost.r, cost.p, salt.toString("base64url"), hash.toString("base64url")].join("$")
}

interface ParsedHash {
  readonly cost: KdfCost
  readonly salt: Buffer
  readonly hash: Buffer
}

const base64url = /^[A-Za-z0-9_-]+$/

const parseStoredHash = (stored: string): ParsedHash | null => {
  const parts = stored.split("$")
  if (parts.length !== 6 || parts[0] !== "scrypt") return null
  const [, n, r, p, salt, hash] = parts
  if (n === undefined || r === undefined || p === undefined || salt === undefined || hash === undefined) return null
  if (![n, r, p].every((part) => /^\d{1,8}$/.test(part))) return null
  if (!base64url.test(salt) || !base64url.test(hash)) return null
  const cost = { N: Number(n), r: Number(r), p: Number(p) }
  if (!isAcceptableCost(cost)) return null
  const hashBuffer = Buffer.from(hash, "base64url")
  if (hashBuffer.length < 16 || hashBuffer.length > 64) return null
  return { cost, salt: Buffer.from(salt, "base64url"), hash: hashBuffer }
}

/** The cost a stored hash was made with, or `null` when it is not a hash this module wrote. */
export const costOfStoredHash = (stored: string): KdfCost | null => parseStoredHash(stored)?.cost ?? null

/**
 * Does `secret` match `stored`? Recomputes scrypt with the stored parameters and compares in
 * constant time. A malformed stored hash never matches.
 */
export const verifySecret = async (secret: string, stored: string): Promise<boolean> => {
  const parsed = parseStoredHash(stored)
  if (parsed === null) return false
  const candidate = await derive(secret, parsed.salt, parsed.cost, parsed.hash.length)
  return candidate.length === parsed.hash.length && timingSafeEqual(candidate, parsed.hash)
}

/** A hash of a random secret, used to spend the same time on unknown accounts as on known ones. */
export const decoyHash = (cost: KdfCost): Promise<string> => hashSecret(randomBytes(16).toString("base64url"), cost)

const prefixAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
export const apiKeyPrefixLength = 12
const secretBytes = 32

/** The two parts of an API key; `prefix` finds the stored key, `secret` proves possession. */
export interface ApiKeyParts {
  readonly prefix: string
  readonly secret: string
}

const apiKeyPattern = /^pbk_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/

/** Splits `pbk_<prefix>_<secret>`; `null` for anything else (wrong shape, length or alphabet). */
export const parseApiKey = (apiKey: string): ApiKeyParts | null => {
  const match = apiKeyPattern.exec(apiKey)
  if (match === null) return null
  const [, prefix, secret] = match
  return prefix === undefined || secret === undefined ? null : { prefix, secret }
}

export const formatApiKey = ({ prefix, secret }: ApiKeyParts): string => `pbk_${prefix}_${secret}`

/** A fresh random lookup prefix: 12 lowercase letters/digits (36^12 ≈ 4.7e18 possibilities). */
export const generateApiKeyPrefix = (): string => {
  let prefix = ""
  for (let index = 0; index < apiKeyPrefixLength; index += 1) {
    prefix += prefixAlphabet[randomInt(prefixAlphabet.length)]
  }
  return prefix
}

/** A fresh random secret: 32 bytes, base64url (43 characters). */
export const generateApiKeySecret = (): string => randomBytes(secretBytes).toString("base64url")

/**
 * The in-process cache key of a verified password: an HMAC-SHA-256, under a random key of this
 * process, of the user, the stored hash the password matched and the password. A changed password
 * (a new stored hash) no longer matches, and a memory dump holds no fast unkeyed hash of a password.
 */
export const passwordFingerprint = (processKey: Uint8Array, userId: number, storedHash: string, password: string) =>
  createHmac("sha256", processKey).update(`${userId}\u0000${storedHash}\u0000${password}`).digest("hex")

/** SHA-256 of the whole key (hex): the key of the in-process verification cache, never stored. */
export const apiKeyFingerprint = (apiKey: string): string => createHash("sha256").update(apiKey).digest("hex")

/**
 * Remembers a verified credential in a bounded map (insertion order = age): the entry becomes the
 * newest, and the oldest are dropped while the map holds more than `maxEntries`.
 */
export const rememberVerified = <K, V>(entries: Map<K, V>, key: K, entry: V, maxEntries: number): void => {
  entries.delete(key)
  entries.set(key, entry)
  while (entries.size > maxEntries) {
    const oldest = entries.keys().next()
    if (oldest.done) break
    entries.delete(oldest.value)
  }
}
