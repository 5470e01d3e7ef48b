// The status rules as a table: every current status against every requested one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideStatus, rollUpStatus } from './worklist-status.ts';
import type { WorklistStatus } from './worklist-status.ts';

// current -> requested -> next status, '=' for no change, 'refused'.
const TABLE: Record<WorklistStatus, Record<WorklistStatus, string>> = {
  SCHEDULED: { SCHEDULED: '=', 'IN PROGRESS': 'IN PROGRESS', COMPLETED: 'COMPLETED', DISCONTINUED: 'DISCONTINUED', CANCELLED: 'CANCELLED' },
  'IN PROGRESS': { SCHEDULED: 'refused', 'IN PROGRESS': '=', COMPLETED: 'COMPLETED', DISCONTINUED: 'DISCONTINUED', CANCELLED: 'DISCONTINUED' },
  COMPLETED: { SCHEDULED: 'refused', 'IN PROGRESS': 'refused', COMPLETED: '=', DISCONTINUED: 'refused', CANCELLED: 'refused' },
  DISCONTINUED: { SCHEDULED: 'refused', 'IN PROGRESS': 'refused', COMPLETED: 'refused', DISCONTINUED: '=', CANCELLED: '=' },
  CANCELLED: { SCHEDULED: 'refused', 'IN PROGRESS': 'refused', COMPLETED: 'refused', DISCONTINUED: '=', CANCELLED: '=' },
};

for (const [current, row] of Object.entries(TABLE) as [WorklistStatus, Record<WorklistStatus, string>][]) {
  for (const [requested, expected] of Object.entries(row) as [WorklistStatus, string][]) {
    test(`${current} asked to become ${requested}: ${expected}`, () => {
      const d = decideStatus(current, requested);
      if (expected === 'refused') return assert.equal(d.ok, false);
      assert.ok(d.ok);
      assert.deepEqual([d.next, d.changed], expected === '=' ? [current, false] : [expected, true]);
    });
  }
}

test('an order rolls up to the most active status of its items', () => {
  const rows: [WorklistStatus[], WorklistStatus][] = [
    [['SCHEDULED', 'CANCELLED'], 'SCHEDULED'],
    [['COMPLETED', 'IN PROGRESS'], 'IN PROGRESS'],
    [['COMPLETED', 'CANCELLED'], 'COMPLETED'],
    [['DISCONTINUED', 'CANCELLED'], 'DISCONTINUED'],
    [['CANCELLED', 'CANCELLED'], 'CANCELLED'],
  ];
  for (const [statuses, expected] of rows) assert.equal(rollUpStatus(statuses), expected, statuses.join(', '));
});
