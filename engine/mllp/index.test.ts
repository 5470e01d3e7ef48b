import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as mllp from './index.ts';

test('the public surface of engine/mllp', () => {
  assert.deepEqual(Object.keys(mllp).sort(), [
    'CR',
    'FS',
    'MLLP_DEFAULT_CONNECT_TIMEOUT_MS',
    'MLLP_DEFAULT_IDLE_TIMEOUT_MS',
    'MLLP_DEFAULT_MAX_FRAME_BYTES',
    'MLLP_DEFAULT_RESPONSE_TIMEOUT_MS',
    'MLLP_DEFAULT_STOP_GRACE_MS',
    'MLLP_SEND_ERROR_CODES',
    'MllpFrameDecoder',
    'MllpSender',
    'VT',
    'frameMllp',
    'startMllpListener',
  ]);
});

test('every sender error code carries the MLLP_ prefix', () => {
  for (const code of mllp.MLLP_SEND_ERROR_CODES) assert.match(code, /^MLLP_[A-Z_]+$/);
});

test('defaults', () => {
  assert.equal(mllp.MLLP_DEFAULT_MAX_FRAME_BYTES, 16 * 1024 * 1024);
  assert.equal(mllp.MLLP_DEFAULT_IDLE_TIMEOUT_MS, 10 * 60_000);
  assert.equal(mllp.MLLP_DEFAULT_STOP_GRACE_MS, 10_000);
  assert.equal(mllp.MLLP_DEFAULT_CONNECT_TIMEOUT_MS, 10_000);
  assert.equal(mllp.MLLP_DEFAULT_RESPONSE_TIMEOUT_MS, 30_000);
});
