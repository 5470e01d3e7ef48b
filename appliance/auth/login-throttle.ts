// Slows password guessing: after MAX_FAILURES failed logins for one user from one address within
// WINDOW_MS, that pair is refused until the window has passed. Per process (a shared limit across
// scaled-out processes would need the database; the scrypt cost already bounds the rate).
const MAX_FAILURES = 5;
const WINDOW_MS = 5 * 60_000;

export class LoginThrottle {
  private readonly failures = new Map<string, { count: number; since: number }>();

  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  private key(username: string, ip: string): string {
    return `${username.toLowerCase()}\0${ip}`;
  }

  /** Seconds to wait, or 0 when a login may be tried. */
  retryAfter(username: string, ip: string): number {
    const f = this.failures.get(this.key(username, ip));
    if (!f || f.count < MAX_FAILURES) return 0;
    const left = f.since + WINDOW_MS - this.now();
    if (left <= 0) {
      this.failures.delete(this.key(username, ip));
      return 0;
    }
    return Math.ceil(left / 1000);
  }

  failed(username: string, ip: string): void {
    const k = this.key(username, ip);
    const f = this.failures.get(k);
    const t = this.now();
    if (!f || f.since + WINDOW_MS < t) this.failures.set(k, { count: 1, since: t });
    else f.count += 1;
    if (this.failures.size > 10_000) this.failures.delete(this.failures.keys().next().value!);
  }

  succeeded(username: string, ip: string): void {
    this.failures.delete(this.key(username, ip));
  }
}
