// POSTs or PUTs the content to a URL. 2xx is success; 4xx other than 408/425/429 is a permanent
// refusal; 5xx, timeouts and network errors are retried.
import type { DestinationConnector } from './destination-connector.ts';

const RETRYABLE_4XX = new Set([408, 425, 429]);

export function httpDestination(opts: {
  url: string;
  method: 'POST' | 'PUT';
  headers: Record<string, string>;
  contentType: string;
  timeoutMs?: number | undefined;
}): DestinationConnector {
  return {
    async send(delivery) {
      let res: Response;
      try {
        res = await fetch(opts.url, {
          method: opts.method,
          headers: { 'content-type': opts.contentType, ...opts.headers },
          body: delivery.content,
          signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
        });
      } catch (err) {
        return { ok: false, error: { message: `${opts.method} ${opts.url} failed: ${(err as Error).message}`, permanent: false } };
      }
      const body = (await res.text().catch(() => '')).slice(0, 64_000);
      if (res.ok) return { ok: true, value: { response: body } };
      const permanent = res.status >= 400 && res.status < 500 && !RETRYABLE_4XX.has(res.status);
      return { ok: false, error: { message: `${opts.method} ${opts.url} answered ${res.status} ${res.statusText}`, response: body, permanent } };
    },
    async close() {},
  };
}
