/**
 * A counting semaphore for promises: at most `permits` holders at once, the rest wait in arrival
 * order. The HTTP client holds one permit per request attempt (never while it backs off), which is
 * how a migration bounds the load it puts on the source.
 */
export class Semaphore {
  private available: number
  private readonly waiting: Array<() => void> = []

  constructor(permits: number) {
    if (!Number.isInteger(permits) || permits < 1)
      throw new RangeError(`permits must be a positive integer: ${permits}`)
    this.available = permits
  }

  /** Waits for a permit; the returned function gives it back (call it exactly once). */
  async acquire(): Promise<() => void> {
    if (this.available > 0) {
      this.available--
    } else {
      await new Promise<void>((resolve) => this.waiting.push(resolve))
    }
    let released = false
    return () => {
      if (released) return
      released = true
      const next = this.waiting.shift()
      if (next === undefined) this.available++
      else next()
    }
  }
}
