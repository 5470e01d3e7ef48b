// Test support for the mapping tables: the sample messages in this folder (stored one segment per
// line, as the sender's bytes otherwise: a Latin-1 file stays Latin-1), decoded and parsed as the
// engine does, and the expected results as JSON files beside them. `UPDATE_FIXTURES=1 npm test --
// channels/orders` rewrites the expected files from the current output; review the diff.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Hl7Message } from '@medplum/core';
import { decodeHl7, parseHl7 } from '../../../engine/index.ts';
import { loadWorklistTables } from '../worklist-tables.ts';
import type { WorklistTables } from '../worklist-tables.ts';

const dir = new URL('./', import.meta.url);

/** The message as on the wire (segments ended by CR), decoded by MSH-18 and parsed. */
export function fixtureMessage(name: string): Hl7Message {
  const bytes = Buffer.from(readFileSync(new URL(name, dir)).toString('latin1').replace(/\r?\n/g, '\r'), 'latin1');
  const parsed = parseHl7(decodeHl7(bytes).text);
  if (!parsed.ok) throw new Error(`${name}: ${parsed.error.message}`);
  return parsed.value;
}

/** The shipped tables (channels/orders/worklist-tables.yaml), or a test table from this folder. */
export function fixtureTables(name?: string): WorklistTables {
  return name ? loadWorklistTables(new URL(name, dir).pathname) : loadWorklistTables();
}

/** UIDs 2.25.1001, 2.25.1002 ... in the order they are asked for. */
export function sequentialUids(): () => string {
  let n = 1000;
  return () => `2.25.${++n}`;
}

/** Compares `actual` (as JSON) with the expected file, or writes it when UPDATE_FIXTURES is set. */
export function assertMatchesFixture(name: string, actual: unknown): void {
  const file = new URL(name, dir);
  const json = JSON.stringify(actual, null, 2) + '\n';
  if (process.env.UPDATE_FIXTURES || !existsSync(file)) {
    writeFileSync(file, json);
    if (!process.env.UPDATE_FIXTURES) assert.fail(`${name} did not exist and was written: review it and run again`);
    return;
  }
  assert.deepEqual(JSON.parse(json), JSON.parse(readFileSync(file, 'utf8')), `${name} differs (UPDATE_FIXTURES=1 rewrites it)`);
}
