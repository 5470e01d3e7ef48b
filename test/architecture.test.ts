// The layering of DEVELOPERS.md, checked on every import in the tree:
// appliance -> channels -> {engine, dicom, fhir}; engine imports none of the others; dicom and
// fhir may import engine only; no folder reaches past another folder's index.ts; admin-ui
// imports no server folder. Tests beside the code may import their own folder freely.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(new URL('..', import.meta.url).pathname);
const FOLDERS = ['engine', 'dicom', 'fhir', 'channels', 'appliance', 'admin-ui', 'test', 'bench'] as const;
type Folder = (typeof FOLDERS)[number];

const ALLOWED: Record<Folder, readonly Folder[]> = {
  engine: [],
  dicom: ['engine'],
  fhir: ['engine'],
  channels: ['engine', 'dicom', 'fhir'],
  appliance: ['engine', 'dicom', 'fhir', 'channels'],
  'admin-ui': [],
  test: ['engine', 'dicom', 'fhir', 'channels', 'appliance'],
  bench: ['engine', 'dicom', 'fhir', 'channels', 'appliance', 'test'],
};

function files(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === 'dist' || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) files(p, out);
    else if (/\.(ts|tsx)$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

function folderOf(path: string): Folder | undefined {
  const top = relative(ROOT, path).split('/')[0];
  return (FOLDERS as readonly string[]).includes(top!) ? (top as Folder) : undefined;
}

test('imports follow the layering and go through index.ts', () => {
  const problems: string[] = [];
  for (const folder of FOLDERS) {
    let list: string[] = [];
    try {
      list = files(join(ROOT, folder));
    } catch {
      continue; // folder not created yet
    }
    for (const file of list) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
        const spec = m[1] ?? m[2]!;
        if (!spec.startsWith('.')) continue;
        const target = resolve(dirname(file), spec);
        const to = folderOf(target);
        if (!to || to === folder) continue;
        const where = `${relative(ROOT, file)} imports ${spec}`;
        if (!ALLOWED[folder].includes(to)) problems.push(`${where}: ${folder} may not import ${to}`);
        else if (to !== 'test' && relative(ROOT, target) !== `${to}/index.ts`) problems.push(`${where}: import ${to}/index.ts instead`);
      }
    }
  }
  assert.deepEqual(problems, []);
});
