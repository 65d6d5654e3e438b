/**
 * Calls a fetch-style app the way `@hono/node-server` serves it in production, without a socket:
 * each request is a Node `IncomingMessage` handed with a `ServerResponse` to the server's own
 * request listener (`getRequestListener`), so the app sees the lightweight Request, answers through
 * the lightweight Response, and the listener writes status line, headers and body to an in-memory
 * socket. What `pnpm bench:cpu` measures is then what the server's process does per request, less
 * the kernel's socket work and llhttp's parsing (`app.request` instead would build undici's Request
 * and Response, which a served request never does).
 */
import { IncomingMessage, ServerResponse } from "node:http"
import { Duplex } from "node:stream"
import { getRequestListener } from "@hono/node-server"

/** A connection that keeps what is written to it (the serialised answer) and never reads. */
class MemorySocket extends Duplex {
  readonly remoteAddress = "127.0.0.1"
  readonly remotePort = 40_000
  readonly remoteFamily = "IPv4"
  readonly encrypted = false
  written: Array<Buffer> = []
  override _read() {}
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void) {
    this.written.push(chunk)
    done()
  }
  override _writev(chunks: Array<{ chunk: Buffer }>, done: (error?: Error | null) => void) {
    for (const { chunk } of chunks) this.written.push(chunk)
    done()
  }
  setTimeout() {
    return this
  }
  setNoDelay() {
    return this
  }
  setKeepAlive() {
    return this
  }
}

export interface ListenerRequest {
  readonly method: string
  /** Path and query. */
  readonly path: string
  readonly headers: Readonly<Record<string, string>>
  readonly body?: string
}

export interface ListenerAnswer {
  readonly status: number
  readonly body: string
}

/** The body of a serialised HTTP/1.1 answer (`Content-Length` or chunked). */
const bodyOf = (raw: Buffer): string => {
  const end = raw.indexOf("\r\n\r\n")
  const head = raw.subarray(0, end).toString("latin1").toLowerCase()
  const rest = raw.subarray(end + 4)
  if (!/\r\ntransfer-encoding: *chunked/.test(head)) return rest.toString("utf8")
  const parts: Array<Buffer> = []
  let at = 0
  for (;;) {
    const lineEnd = rest.indexOf("\r\n", at)
    const size = Number.parseInt(rest.subarray(at, lineEnd).toString("latin1"), 16)
    if (!(size > 0)) break
    parts.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size))
    at = lineEnd + 2 + size + 2
  }
  return Buffer.concat(parts).toString("utf8")
}

/** A caller of `fetch` through `@hono/node-server`'s request listener, one request at a time. */
export const nodeListenerCaller = (fetch: Parameters<typeof getRequestListener>[0], hostname = "paybridge.bench") => {
  const listener = getRequestListener(fetch)
  const socket = new MemorySocket()
  return async (request: ListenerRequest): Promise<ListenerAnswer> => {
    const incoming = new IncomingMessage(socket as never)
    incoming.method = request.method
    incoming.url = request.path
    incoming.httpVersion = "1.1"
    incoming.httpVersionMajor = 1
    incoming.httpVersionMinor = 1
    const headers: Record<string, string> = { host: hostname }
    const rawHeaders = ["Host", hostname]
    for (const [name, value] of Object.entries(request.headers)) {
      headers[name.toLowerCase()] = value
      rawHeaders.push(name, value)
    }
    if (request.body !== undefined) {
      const length = String(Buffer.byteLength(request.body))
      headers["content-length"] = length
      rawHeaders.push("Content-Length", length)
      incoming.push(Buffer.from(request.body))
    }
    incoming.headers = headers
    incoming.rawHeaders = rawHeaders
    incoming.push(null)
    incoming.complete = true
    const outgoing = new ServerResponse(incoming)
    outgoing.assignSocket(socket as never)
    const finished = new Promise<void>((resolve, reject) => {
      outgoing.once("finish", resolve)
      outgoing.once("error", reject)
    })
    socket.written = []
    await listener(incoming, outgoing)
    await finished
    outgoing.detachSocket(socket as never)
    return { status: outgoing.statusCode, body: bodyOf(Buffer.concat(socket.written)) }
  }
}
