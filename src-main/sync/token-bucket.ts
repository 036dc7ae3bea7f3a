/**
 * The client's own brake on how often it talks to the server, whatever the UI or timers ask.
 * SEAM: branch `ratelimit` brings the shared token bucket; this small one can then delegate to it.
 */
export class ClientTokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    readonly capacity: number,
    readonly periodMs: number,
    private readonly now: () => number,
  ) {
    this.tokens = capacity;
    this.at = now();
  }

  /** 0 when a token was taken; otherwise ms until one is there. */
  take(): number {
    const now = this.now();
    const perMs = this.capacity / this.periodMs;
    this.tokens = Math.min(this.capacity, this.tokens + Math.max(0, now - this.at) * perMs);
    this.at = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - this.tokens) / perMs);
  }
}
