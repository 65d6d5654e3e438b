/**
 * RFC 8288 `Link` headers, and the quirky form Silver's DRF-era pagination wrote, where the
 * parameters sit inside the angle brackets: `<URL?page=2; rel="next">, <URL; rel="prev">`.
 * Both read as a map from relation (`next`, `prev`, `first`, `last`) to URL.
 */
export const parseLinkHeader = (header: string | null): ReadonlyMap<string, string> => {
  const links = new Map<string, string>()
  if (header === null) return links
  for (const match of header.matchAll(/<([^>]*)>([^,<]*)/gu)) {
    const inside = match[1] ?? ""
    const outside = match[2] ?? ""
    const [target = "", ...innerParams] = inside.split(";")
    const params = [...innerParams, ...outside.split(";")]
    for (const param of params) {
      const rel = /^\s*rel\s*=\s*"?([^"]+)"?\s*$/u.exec(param)?.[1]
      if (rel !== undefined) for (const name of rel.split(/\s+/u)) links.set(name, target.trim())
    }
  }
  return links
}
