// Builds what `npm start` needs: the admin UI bundle, when its sources are newer than the last
// build. The server runs from its TypeScript sources through tsx and needs no build step.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const ui = join(root, 'admin-ui');
const out = join(ui, 'dist', 'index.html');
const force = process.argv.includes('--force');

function newest(dir) {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const p = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

if (!existsSync(join(ui, 'vite.config.ts'))) process.exit(0);
if (!force && existsSync(out) && statSync(out).mtimeMs >= newest(ui)) process.exit(0);
console.log('building the admin UI...');
const r = spawnSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: ui, stdio: 'inherit' });
process.exit(r.status ?? 1);
