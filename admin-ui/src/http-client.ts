// The one way the UI talks to the appliance: same-origin JSON, always with X-Requested-With, which
// tells the server not to answer 401 with a Basic challenge (the browser would pop up its password
// dialog). Failures reject with an HttpError whose message is the server's {code, message}.message.
import { fetchUtils } from 'react-admin';

export function httpClient(url: string, options: fetchUtils.Options = {}) {
  const headers = new Headers(options.headers ?? { Accept: 'application/json' });
  headers.set('X-Requested-With', 'XMLHttpRequest');
  return fetchUtils.fetchJson(url, { ...options, headers, credentials: 'same-origin' });
}
