import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { configSchema, parseConfig } from './config.ts';

const cases: { name: string; env: Record<string, string>; file?: Record<string, unknown>; expect: Record<string, unknown> | string }[] = [
  { name: 'defaults', env: {}, expect: { httpPort: 8080, dicomPort: 11112, mllpPort: 2575, aeTitle: 'PACS', host: '127.0.0.1', logLevel: 'info', databaseUrl: undefined } },
  { name: 'ports may be 0', env: { PACS_HTTP_PORT: '0', PACS_DICOM_PORT: '0' }, expect: { httpPort: 0, dicomPort: 0 } },
  { name: 'file adds, env wins', env: { PACS_HTTP_PORT: '9000' }, file: { PACS_HTTP_PORT: 9100, PACS_AE_TITLE: 'ARCHIVE' }, expect: { httpPort: 9000, aeTitle: 'ARCHIVE' } },
  { name: 'empty env value does not override the file', env: { PACS_AE_TITLE: '' }, file: { PACS_AE_TITLE: 'ARCHIVE' }, expect: { aeTitle: 'ARCHIVE' } },
  { name: 'peers', env: { PACS_DICOM_PEERS: 'ORTHANC@127.0.0.1:4242, WS1@ws1.local:104' }, expect: { dicomPeers: [{ aet: 'ORTHANC', host: '127.0.0.1', port: 4242 }, { aet: 'WS1', host: 'ws1.local', port: 104 }] } },
  { name: 'results MLLP destinations', env: { PACS_RESULTS_MLLP: 'ris:2576,127.0.0.1:3000' }, expect: { resultsMllp: [{ host: 'ris', port: 2576 }, { host: '127.0.0.1', port: 3000 }] } },
  { name: 'postgres url', env: { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test' }, expect: { databaseUrl: 'postgres://postgres@127.0.0.1:5432/test' } },
  { name: 'port out of range', env: { PACS_HTTP_PORT: '70000' }, expect: 'PACS_HTTP_PORT' },
  { name: 'port not a number', env: { PACS_MLLP_PORT: 'abc' }, expect: 'PACS_MLLP_PORT' },
  { name: 'AE title too long', env: { PACS_AE_TITLE: 'A_VERY_LONG_AE_TITLE' }, expect: 'PACS_AE_TITLE' },
  { name: 'bad peer', env: { PACS_DICOM_PEERS: 'ORTHANC-127.0.0.1-4242' }, expect: 'AET@host:port' },
  { name: 'peer on an IPv6 address', env: { PACS_DICOM_PEERS: 'WS@[::1]:104' }, expect: { dicomPeers: [{ aet: 'WS', host: '::1', port: 104 }] } },
  { name: 'peer AE title too long', env: { PACS_DICOM_PEERS: 'A_VERY_LONG_AE_TITLE@h:104' }, expect: 'AET@host:port' },
  { name: 'peer AE title with a backslash', env: { PACS_DICOM_PEERS: 'WS\\1@h:104' }, expect: 'AET@host:port' },
  { name: 'peer port 0', env: { PACS_DICOM_PEERS: 'WS@h:0' }, expect: 'port 1-65535' },
  { name: 'peer port out of range', env: { PACS_DICOM_PEERS: 'WS@h:70000' }, expect: 'port 1-65535' },
  { name: 'peer listed twice', env: { PACS_DICOM_PEERS: 'WS@h:104,WS@g:104' }, expect: 'listed twice' },
  { name: 'bad database url', env: { DATABASE_URL: 'mysql://x' }, expect: 'DATABASE_URL' },
  { name: 'bad log level', env: { PACS_LOG_LEVEL: 'verbose' }, expect: 'PACS_LOG_LEVEL' },
  { name: 'unknown key in file', env: {}, file: { PACS_HTTP_PORTT: 1 }, expect: 'PACS_HTTP_PORTT' },
  { name: 'no CORS origins by default', env: {}, expect: { corsOrigins: [] } },
  { name: 'CORS origins', env: { PACS_CORS_ORIGINS: 'https://viewer.example.org, http://127.0.0.1:3000/' }, expect: { corsOrigins: ['https://viewer.example.org', 'http://127.0.0.1:3000'] } },
  { name: 'CORS for any origin', env: { PACS_CORS_ORIGINS: '*' }, expect: { corsOrigins: ['*'] } },
  { name: 'CORS origin with a path', env: { PACS_CORS_ORIGINS: 'https://viewer.example.org/app' }, expect: 'PACS_CORS_ORIGINS' },
];

for (const c of cases) {
  test(`config: ${c.name}`, () => {
    const r = parseConfig(c.env, c.file);
    if (typeof c.expect === 'string') {
      assert.equal(r.ok, false);
      if (!r.ok) assert.match(r.error.message, new RegExp(c.expect));
      return;
    }
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    if (r.ok) for (const [k, v] of Object.entries(c.expect)) assert.deepEqual((r.value as Record<string, unknown>)[k], v, k);
  });
}

test('config is frozen', () => {
  const r = parseConfig({});
  assert.ok(r.ok);
  if (r.ok) assert.throws(() => ((r.value as { httpPort: number }).httpPort = 1));
});

// The environment table of interfaces.md is the contract: the schema must read every variable it
// names. Settings of our own beyond it must be in the README's table, so none is undocumented.
const INTERFACES = new URL('../../shared/docs/interfaces.md', import.meta.url);
test('config variables match the table in interfaces.md and the README', { skip: !existsSync(INTERFACES) && 'shared/docs not beside the checkout' }, () => {
  const text = readFileSync(INTERFACES, 'utf8');
  const section = text.slice(text.indexOf('## Configuration'), text.indexOf('## HTTP paths'));
  const documented = [...section.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]!);
  assert.ok(documented.length > 5);
  const names = Object.keys(configSchema.shape);
  assert.deepEqual(documented.filter((n) => !names.includes(n)), [], 'interfaces.md names variables the schema does not read');
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const own = names.filter((n) => !documented.includes(n));
  assert.deepEqual(own.filter((n) => !readme.includes(`| \`${n}\` |`)), [], 'settings missing from the README table');
});
