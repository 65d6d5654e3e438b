/**
 * Dialect presets: the named configuration a dialect resolves by name in requests (CRM.COM's
 * units, financial transaction categories, rejection reasons, cancellation types), kept as that
 * dialect's records. A dialect declares its kinds in `defineDialect({ presets })`; `apps/api`
 * hands them to the tRPC `dialectPresets` procedures and the admin console's Presets page, which
 * list, create, rename and retire them. A retired preset keeps its record (old payments still
 * render it) but the dialect refuses it by name in new writes.
 */

/**
 * One kind of named preset a dialect keeps as dialect records of `recordKind`, keyed by an
 * upper-case 32-digit hex id. Each record's data holds at least `name` (string) and, once retired,
 * `retired: true`; a retired preset still renders on the records that name it.
 */
export interface DialectPresetKind {
  /** Kebab id, unique within the dialect, e.g. `rejection-reason`. */
  readonly id: string
  /** Human name, e.g. `Rejection reasons`. */
  readonly label: string
  /** The dialect-record kind that holds them. */
  readonly recordKind: string
}

/** True for a preset record's data once the preset is retired. */
export const isRetiredPreset = (data: Readonly<Record<string, unknown>>): boolean => data.retired === true
