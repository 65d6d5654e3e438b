/**
 * Summarises a V8 `.cpuprofile` (`node --cpu-prof`, e.g. of `pnpm bench:cpu --only …`): self time by
 * package or workspace folder (where the CPU goes), and the functions with the most self time.
 *
 *   node tooling/bench/src/profile-summary.ts <file>.cpuprofile [--top 40]
 */
import { readFileSync } from "node:fs"
import { parseArgs } from "node:util"

interface ProfileNode {
  readonly id: number
  readonly children?: ReadonlyArray<number>
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number }
}
interface Profile {
  readonly nodes: ReadonlyArray<ProfileNode>
  readonly samples: ReadonlyArray<number>
  readonly timeDeltas: ReadonlyArray<number>
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: "string", default: "40" }, inclusive: { type: "string" } }
})
const file = positionals[0]
if (file === undefined) throw new Error("usage: profile-summary.ts <file>.cpuprofile [--top N]")
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile
const nodes = new Map(profile.nodes.map((node) => [node.id, node]))

/** A package (`effect`, `@trpc/server` …), a workspace folder (`packages/db/src/store`), or a V8 category. */
const groupOf = (url: string, name: string): string => {
  if (url === "") return name.startsWith("(") ? name : "(native)"
  const packaged = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (packaged?.[1] !== undefined) return packaged[1]
  if (url.startsWith("node:")) return url.split("/")[0] ?? url
  const workspace = /\/(apps\/[^/]+\/src|packages\/(?:adapters\/)?[^/]+\/src)(\/[^/]+)?/.exec(url)
  if (workspace !== null) return `${workspace[1]}${workspace[2]?.endsWith(".ts") ? "" : (workspace[2] ?? "")}`
  return url
}

const byGroup = new Map<string, number>()
const byFunction = new Map<string, number>()
let total = 0
profile.samples.forEach((id, index) => {
  const delta = profile.timeDeltas[index] ?? 0
  const node = nodes.get(id)
  if (node === undefined) return
  total += delta
  const { functionName, url, lineNumber } = node.callFrame
  const group = groupOf(url, functionName)
  byGroup.set(group, (byGroup.get(group) ?? 0) + delta)
  const where = url === "" ? "" : ` ${url.replace(/^.*\/(node_modules|readpath)\//, "")}:${lineNumber + 1}`
  const key = `${functionName || "(anonymous)"}${where}`
  byFunction.set(key, (byFunction.get(key) ?? 0) + delta)
})

const top = Number(values.top)
const show = (title: string, entries: Map<string, number>) => {
  process.stdout.write(`\n${title}\n`)
  for (const [key, time] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    process.stdout.write(`${((100 * time) / total).toFixed(1).padStart(6)} %  ${key}\n`)
  }
}
process.stdout.write(`${file}: ${(total / 1000).toFixed(0)} ms sampled\n`)
show("self time by package / workspace folder", byGroup)
show("self time by function", byFunction)

// `--inclusive REGEX`: time spent in (and below) the functions whose name matches, each frame counted once per sample.
if (values.inclusive !== undefined) {
  const pattern = new RegExp(values.inclusive)
  const parents = new Map<number, number>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id)
  const inclusive = new Map<string, number>()
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0
    const seen = new Set<string>()
    for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
      const frame = nodes.get(at)?.callFrame
      if (frame === undefined || !pattern.test(frame.functionName)) continue
      const key = `${frame.functionName} ${frame.url.replace(/^.*\/(node_modules|readpath)\//, "")}:${frame.lineNumber + 1}`
      if (seen.has(key)) continue
      seen.add(key)
      inclusive.set(key, (inclusive.get(key) ?? 0) + delta)
    }
  })
  show(`inclusive time of functions matching ${pattern}`, inclusive)
}
