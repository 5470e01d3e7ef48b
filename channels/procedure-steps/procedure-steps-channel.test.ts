// The shipped procedure-steps channel: valid as shipped, and PACS_RESULTS_MLLP seeding one
// ordering-system destination per address (none when unset: the channel still records steps).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { parseChannelDefinition } from '../../engine/index.ts';
import { seedProcedureStepsChannel } from './procedure-steps-channel.ts';

const shipped = () => parse(readFileSync(new URL('./procedure-steps.channel.yaml', import.meta.url), 'utf8')) as unknown;

function destinations(def: unknown) {
  const parsed = parseChannelDefinition(def);
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error.message);
  return parsed.value.destinations.map((d) => ({
    id: d.id,
    mode: d.mode,
    connector: d.connector.type === 'mllp' ? `${d.connector.host}:${d.connector.port}` : d.connector.type,
    order: d.order,
    filter: d.filter?.script,
    transformer: d.transformer?.script,
  }));
}

test('without PACS_RESULTS_MLLP the channel only records the steps (the sync worklist destination)', () => {
  const def = seedProcedureStepsChannel(shipped(), []);
  const parsed = parseChannelDefinition(def);
  assert.ok(parsed.ok);
  assert.deepEqual([parsed.value.id, parsed.value.dataType, parsed.value.source.type, parsed.value.transformer?.script], ['procedure-steps', 'json', 'internal', 'procedure-steps.meta']);
  assert.deepEqual(destinations(def), [{ id: 'worklist', mode: 'sync', connector: 'handler', order: 'none', filter: undefined, transformer: undefined }]);
});

test('each PACS_RESULTS_MLLP address gets a queued ordering-system destination, in order per patient', () => {
  const def = seedProcedureStepsChannel(shipped(), [
    { host: 'ris.example.org', port: 2575 },
    { host: '10.0.0.7', port: 6661 },
  ]);
  const seeded = { mode: 'queued', order: 'patient', filter: 'procedure-steps.reportable', transformer: 'procedure-steps.orm-sc' };
  assert.deepEqual(destinations(def), [
    { id: 'worklist', mode: 'sync', connector: 'handler', order: 'none', filter: undefined, transformer: undefined },
    { id: 'ordering-system', connector: 'ris.example.org:2575', ...seeded },
    { id: 'ordering-system-2', connector: '10.0.0.7:6661', ...seeded },
  ]);
});

test('other channels are left as they are', () => {
  const other = { id: 'orders', destinations: [] };
  assert.equal(seedProcedureStepsChannel(other, [{ host: 'ris', port: 1 }]), other);
});
