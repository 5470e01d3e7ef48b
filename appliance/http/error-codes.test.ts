// Catalog test (fastify's style): every error code the /api code returns has a status and a
// documented meaning, and the table lists no code that nothing returns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HTTP_ERRORS } from './error-codes.ts';

const root = new URL('../', import.meta.url).pathname;

function sources(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) sources(p, out);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && e.name !== 'error-codes.ts') out.push(p);
  }
  return out;
}

test('every code returned at the /api edge is in HTTP_ERRORS, and every entry is used', () => {
  const used = new Set<string>();
  // The engine's operation errors (EngineError) are answered by /api/channels and /api/messages.
  const engineErrors = new URL('../../engine/engine.ts', import.meta.url).pathname;
  for (const file of [...sources(root), engineErrors]) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/code: '([A-Z][A-Z0-9_]+)'/g)) used.add(m[1]!);
    for (const m of text.matchAll(/(?:sendError|challenge)\((?:req, )?res, '([A-Z][A-Z0-9_]+)'/g)) used.add(m[1]!);
    for (const m of text.matchAll(/'(AUTH_REQUIRED|AUTH_INVALID)'/g)) used.add(m[1]!);
  }
  // Codes that never cross the HTTP edge (CLI and start-up only).
  for (const internal of ['CONFIG_INVALID', 'DATA_DIR_LOCKED']) used.delete(internal);
  const table = new Set(Object.keys(HTTP_ERRORS));
  assert.deepEqual([...used].filter((c) => !table.has(c)), [], 'codes missing from HTTP_ERRORS');
  assert.deepEqual([...table].filter((c) => !used.has(c)), [], 'HTTP_ERRORS entries nothing returns');
  for (const [code, e] of Object.entries(HTTP_ERRORS)) assert.ok(e.description.length > 10, `${code} needs a description`);
});
