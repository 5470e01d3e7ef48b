// Channels as code: one readable YAML file per channel, named after its id, so definitions can
// live in git and be reviewed as diffs.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

export function writeChannelFiles(dir: string, definitions: readonly { id: string; definition: unknown }[]): string[] {
  mkdirSync(dir, { recursive: true });
  return definitions.map(({ id, definition }) => {
    const file = join(dir, `${id}.channel.yaml`);
    writeFileSync(file, stringify(definition, { lineWidth: 0 }));
    return file;
  });
}

export function readChannelFiles(dir: string): { file: string; definition: unknown }[] {
  return readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort()
    .map((f) => {
      const text = readFileSync(join(dir, f), 'utf8');
      try {
        return { file: f, definition: f.endsWith('.json') ? (JSON.parse(text) as unknown) : (parse(text) as unknown) };
      } catch (err) {
        throw new Error(`${f}: ${(err as Error).message}`);
      }
    });
}
