/**
 * How a vendor's credentials are given on the command line: every vendor reads the same small set
 * of flags (`--api-key`, `--username`, `--password`, `--client-id`, `--client-secret`, `--brand`,
 * `--organisation`, `--unit`) in the combinations its own clients use, and turns them into a
 * {@link SourceSession}. Each flag may instead come from the environment
 * (`PAYBRIDGE_MIGRATE_PASSWORD` …) so secrets stay out of shell history. The shadow proxy reads a
 * second set for the Paybridge side, the same flags prefixed `paybridge-`.
 */
import type { SourceSession } from "../http/source-http.ts"

export const credentialFlags = [
  "api-key",
  "username",
  "password",
  "client-id",
  "client-secret",
  "brand",
  "organisation",
  "unit"
] as const
export type CredentialFlag = (typeof credentialFlags)[number]

export type Credentials = Readonly<Partial<Record<CredentialFlag, string>>>

export interface VendorAuth {
  /** One line per accepted combination, for the usage text (`--api-key <key>`). */
  readonly usage: ReadonlyArray<string>
  /** The session for these credentials, or what is missing or does not fit. */
  readonly session: (credentials: Credentials) => SourceSession | { readonly error: string }
}

/** The environment variable a credential flag may come from (`PAYBRIDGE_MIGRATE_API_KEY`, `…_PAYBRIDGE_API_KEY`). */
export const credentialEnvName = (flag: CredentialFlag, prefix = ""): string =>
  `PAYBRIDGE_MIGRATE_${`${prefix}${flag}`.toUpperCase().replaceAll("-", "_")}`

/** The credentials among parsed flag values (`prefix` for the shadow's `paybridge-` set), the environment filling gaps. */
export const credentialsFrom = (
  values: Readonly<Record<string, unknown>>,
  env: Readonly<Record<string, string | undefined>>,
  prefix = ""
): Credentials => {
  const credentials: Partial<Record<CredentialFlag, string>> = {}
  for (const flag of credentialFlags) {
    const given = values[`${prefix}${flag}`]
    const value = typeof given === "string" ? given : env[credentialEnvName(flag, prefix)]
    if (value !== undefined && value !== "") credentials[flag] = value
  }
  return credentials
}

/** "needs --a and --b" style check: the flags of `required` all present and none of `forbidden`. */
export const hasExactly = (
  credentials: Credentials,
  required: ReadonlyArray<CredentialFlag>,
  optional: ReadonlyArray<CredentialFlag> = []
): boolean =>
  required.every((flag) => credentials[flag] !== undefined) &&
  credentialFlags.every((flag) => credentials[flag] === undefined || required.includes(flag) || optional.includes(flag))

/** The error a vendor answers when no combination fits. */
export const credentialsError = (vendor: string, usage: ReadonlyArray<string>): { readonly error: string } => ({
  error: `${vendor} credentials: give ${usage.map((line) => `\`${line}\``).join(" or ")}`
})
