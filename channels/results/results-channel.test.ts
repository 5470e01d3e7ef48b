import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { EngineRegistry, parseChannelDefinition } from '../../engine/index.ts';
import { registerResultsFunctions, seedResultsChannel } from './results-channel.ts';

const shipped = () => parse(readFileSync(new URL('./results.channel.yaml', import.meta.url), 'utf8')) as unknown;

test('PACS_RESULTS_MLLP seeds one ORU^R01 destination per address; the definition stays valid', () => {
  const def = seedResultsChannel(shipped(), [
    { host: 'ris.example.org', port: 2575 },
    { host: '10.0.0.7', port: 6661 },
  ]);
  const parsed = parseChannelDefinition(def);
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error.message);
  const ds = parsed.value.destinations;
  assert.deepEqual(
    ds.map((d) => [d.id, d.mode, d.connector.type, d.connector.type === 'mllp' ? `${d.connector.host}:${d.connector.port}` : d.connector.type === 'handler' ? d.connector.name : '', d.transformer?.script ?? '', d.order]),
    [
      ['report', 'sync', 'handler', 'results.report', '', 'none'],
      ['ris', 'queued', 'mllp', 'ris.example.org:2575', 'results.oruR01', 'patient'],
      ['ris-2', 'queued', 'mllp', '10.0.0.7:6661', 'results.oruR01', 'patient'],
    ],
  );
  assert.ok(ds[1]!.retry.maxAttempts >= 1000, 'results are retried for a long time');
});

test('without addresses, and for other channels, the definition is unchanged', () => {
  assert.deepEqual(seedResultsChannel(shipped(), []), shipped());
  const other = { id: 'orders', destinations: [] };
  assert.equal(seedResultsChannel(other, [{ host: 'h', port: 1 }]), other);
});

test('every function the channel names is registered', () => {
  const registry = new EngineRegistry();
  registerResultsFunctions(registry);
  const def = seedResultsChannel(shipped(), [{ host: 'h', port: 1 }]);
  const parsed = parseChannelDefinition(def);
  assert.ok(parsed.ok);
  const names = registry.names();
  assert.ok(names.transformers.includes(parsed.value.transformer!.script!));
  for (const d of parsed.value.destinations) {
    if (d.connector.type === 'handler') assert.ok(names.handlers.includes(d.connector.name));
    if (d.transformer?.script) assert.ok(names.transformers.includes(d.transformer.script));
  }
});
