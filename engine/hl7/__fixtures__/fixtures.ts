// Test support: the sample messages in this folder. They are stored one segment per line (LF) so
// that diffs are readable; `fixture()` gives them as on the wire, segments ended by CR.
import { readFileSync } from 'node:fs';

export function fixtureBytes(name: string): Buffer {
  return readFileSync(new URL(name, import.meta.url));
}

export function fixture(name: string): string {
  return fixtureBytes(name).toString('utf8').replace(/\r?\n/g, '\r');
}
