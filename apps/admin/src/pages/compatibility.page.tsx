/**
 * Compatibility: the generated `docs/compatibility.md` (every documented endpoint of every vendor
 * dialect, implemented or not, with its proving tests) rendered as HTML. The document is generated
 * from the dialects' registries in this repository, and raw HTML in it is dropped, not rendered.
 */
import { useQuery } from "@tanstack/react-query"
import { Marked } from "marked"
import { useMemo } from "react"
import { PageHeader } from "../components/bits.tsx"
import { QueryState } from "../components/states.tsx"
import { useTRPC } from "../lib/trpc.ts"

const escapeHtml = (text: string) =>
  text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;")

const markdown = new Marked({
  gfm: true,
  renderer: {
    // The only raw HTML the generator writes is an anchor per section; anything else is shown as text.
    html: ({ text }) => (/^(<a id="[a-z0-9-]+">|<\/a>)\s*$/.test(text) ? text : escapeHtml(text))
  }
})

export const renderCompatibility = (source: string): string => markdown.parse(source, { async: false })

export const CompatibilityPage = () => {
  const trpc = useTRPC()
  const document = useQuery(trpc.compatibility.document.queryOptions())
  const html = useMemo(() => (document.data ? renderCompatibility(document.data.markdown) : ""), [document.data])
  return (
    <>
      <PageHeader title="Compatibility" />
      <QueryState query={document} what="the compatibility table">
        {() => <article className="markdown card" dangerouslySetInnerHTML={{ __html: html }} />}
      </QueryState>
    </>
  )
}
