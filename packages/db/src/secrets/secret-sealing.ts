/**
 * Sealing of stored secrets with AES-256-GCM under the server's `PAYBRIDGE_SECRETS_KEY` (32 bytes,
 * given as 64 hex digits or base64/base64url). A sealed value is the text
 * `v1.<key id>.<iv>.<tag>.<ciphertext>` (base64url parts; a fresh 12-byte IV each time), and the
 * authenticated data binds it to where it is stored (`gateway:<id>:<column>`), so a sealed value
 * copied to another row or column does not open. The key id is the first 16 hex digits of the
 * SHA-256 of the key: it names the key (for a later rotation, and a clear "wrong key" error)
 * without revealing it. Nothing here ever logs or formats a secret.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto"
import { Redacted } from "effect"

export interface SecretSealer {
  /** The id of the key this sealer seals with. */
  readonly keyId: string
  readonly seal: (secret: Redacted.Redacted<string>, boundTo: string) => string
  /** Opens a sealed value; throws `SecretOpenError` (no secret in its message) when it cannot. */
  readonly open: (sealed: string, boundTo: string) => Redacted.Redacted<string>
}

export class SecretOpenError extends Error {}

/** The 32 key bytes of a `PAYBRIDGE_SECRETS_KEY` value, or `null` when it is not a 256-bit key. */
export const parseSecretsKey = (text: string): Buffer | null => {
  const trimmed = text.trim()
  const bytes = /^[0-9a-fA-F]{64}$/.test(trimmed)
    ? Buffer.from(trimmed, "hex")
    : /^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)
      ? Buffer.from(trimmed.replace(/-/g, "+").replace(/_/g, "/"), "base64")
      : null
  return bytes !== null && bytes.length === 32 ? bytes : null
}

export const secretsKeyId = (key: Buffer): string => createHash("sha256").update(key).digest("hex").slice(0, 16)

/** The key id a sealed value names, or `null` when it is not a sealed value. */
export const sealedKeyId = (sealed: string): string | null => /^v1\.([0-9a-f]{16})\./.exec(sealed)?.[1] ?? null

/**
 * Seals with `key`; opens what `key` or one of `previousKeys` sealed (a key rotation: values sealed
 * with a previous key open until they are sealed again, which every save of their gateway does).
 */
export const makeSecretSealer = (key: Buffer, previousKeys: ReadonlyArray<Buffer> = []): SecretSealer => {
  if (key.length !== 32 || previousKeys.some((each) => each.length !== 32)) {
    throw new Error("a secrets key has 32 bytes")
  }
  const keyId = secretsKeyId(key)
  const keysById = new Map([...previousKeys, key].map((each) => [secretsKeyId(each), each] as const))
  return {
    keyId,
    seal: (secret, boundTo) => {
      const iv = randomBytes(12)
      const cipher = createCipheriv("aes-256-gcm", key, iv)
      cipher.setAAD(Buffer.from(boundTo, "utf8"))
      const ciphertext = Buffer.concat([cipher.update(Redacted.value(secret), "utf8"), cipher.final()])
      const tag = cipher.getAuthTag()
      return ["v1", keyId, iv.toString("base64url"), tag.toString("base64url"), ciphertext.toString("base64url")].join(
        "."
      )
    },
    open: (sealed, boundTo) => {
      const parts = sealed.split(".")
      if (parts.length !== 5 || parts[0] !== "v1") throw new SecretOpenError("not a sealed secret")
      const [, sealedWith, iv, tag, ciphertext] = parts as [string, string, string, string, string]
      const opening = keysById.get(sealedWith)
      if (opening === undefined) {
        throw new SecretOpenError(
          `sealed with key ${sealedWith}, but PAYBRIDGE_SECRETS_KEY is key ${keyId}${previousKeys.length === 0 ? "" : " (and no previous key matches)"}`
        )
      }
      try {
        const decipher = createDecipheriv("aes-256-gcm", opening, Buffer.from(iv, "base64url"))
        decipher.setAAD(Buffer.from(boundTo, "utf8"))
        decipher.setAuthTag(Buffer.from(tag, "base64url"))
        const plain = Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()])
        return Redacted.make(plain.toString("utf8"))
      } catch {
        throw new SecretOpenError(`a secret sealed with key ${sealedWith} does not authenticate (altered or moved)`)
      }
    }
  }
}

/** The last four characters of a secret: what the API may show of it. */
export const lastFour = (secret: Redacted.Redacted<string>): string => Redacted.value(secret).slice(-4)
