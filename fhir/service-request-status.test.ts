// ServiceRequest.status/intent -> worklist action, and back (standards-mappings.md 2.3).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServiceRequestStatus } from './fhir-types.ts';
import { serviceRequestStatus, worklistAction } from './service-request-status.ts';
import type { MwlStatus } from './worklist-shapes.ts';

const rows: [ServiceRequestStatus, string, boolean, string][] = [
  ['active', 'order', false, 'schedule'],
  ['active', 'order', true, 'schedule'],
  ['active', 'original-order', false, 'schedule'],
  ['active', 'filler-order', false, 'schedule'],
  ['active', 'instance-order', false, 'schedule'],
  ['active', 'proposal', false, 'none'],
  ['active', 'plan', true, 'none'],
  ['draft', 'order', false, 'none'],
  ['draft', 'order', true, 'hold'],
  ['on-hold', 'order', false, 'none'],
  ['on-hold', 'order', true, 'hold'],
  ['revoked', 'order', true, 'cancel'],
  ['revoked', 'order', false, 'none'],
  ['entered-in-error', 'order', true, 'cancel'],
  ['completed', 'order', true, 'complete'],
  ['completed', 'order', false, 'none'],
  ['unknown', 'order', true, 'none'],
];
for (const [status, intent, exists, kind] of rows) {
  test(`${status} / intent ${intent}${exists ? ' / known order' : ''} -> ${kind}`, () => {
    assert.equal(worklistAction(status, intent, exists).kind, kind);
  });
}

const back: [MwlStatus, 'on-hold' | 'draft' | undefined, ServiceRequestStatus][] = [
  ['SCHEDULED', undefined, 'active'],
  ['IN PROGRESS', undefined, 'active'],
  ['SCHEDULED', 'on-hold', 'on-hold'],
  ['COMPLETED', undefined, 'completed'],
  ['CANCELLED', undefined, 'revoked'],
  ['DISCONTINUED', undefined, 'revoked'],
  ['CANCELLED', 'on-hold', 'revoked'],
];
for (const [status, held, expected] of back) {
  test(`worklist ${status}${held ? ` (held ${held})` : ''} reads as ${expected}`, () => assert.equal(serviceRequestStatus(status, held), expected));
}
