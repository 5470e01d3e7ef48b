// `npm run bench [-- name ...]`: runs the benchmarks against a separate appliance process, on
// embedded PGlite and, when DATABASE_URL is set, on PostgreSQL. Prints markdown rows for RESULTS.md.
import { hl7Throughput } from './hl7-throughput.ts';
import { messageSearch } from './message-search.ts';
import { mwlFind } from './mwl-find.ts';
import { dicomwebMetadata } from './dicomweb-metadata.ts';

const all: Record<string, () => Promise<string[]>> = { 'hl7-throughput': hl7Throughput, 'message-search': messageSearch, 'mwl-find': mwlFind, 'dicomweb-metadata': dicomwebMetadata };
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
for (const [name, fn] of Object.entries(all)) {
  if (wanted.length && !wanted.includes(name)) continue;
  console.log(`\n## ${name} (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})\n`);
  for (const line of await fn()) console.log(line);
}
