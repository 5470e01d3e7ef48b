// The analyst-edited tables of the orders channel (worklist-tables.yaml beside this file): the
// Patient ID domain, OBR-24 -> DICOM Modality, and the Scheduled Station AE Title routing rules.
// Read and checked once at start-up; the mappings receive the parsed value through their context.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';
import type { Result } from '../../engine/index.ts';

/** Where the shipped tables are. */
export const WORKLIST_TABLES_FILE = fileURLToPath(new URL('./worklist-tables.yaml', import.meta.url));

// DICOM CS: upper case, digits, space, underscore; AE: no backslash or control characters (PS3.5 6.2).
const cs = z.string().regex(/^[A-Z0-9 _]{1,16}$/, 'a DICOM code string: 1-16 of A-Z, 0-9, space, _');
const aeTitle = z
  .string()
  .min(1)
  .max(16, 'an AE title has at most 16 characters')
  .regex(/^[\x20-\x5b\x5d-\x7e]+$/, 'an AE title has no backslash or control characters')
  .refine((s) => s.trim() !== '', 'an AE title is not only spaces');
const oneOrMany = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).transform((v) => (typeof v === 'string' ? [v] : v));

const stationRule = z
  .strictObject({
    name: z.string().optional(),
    when: z
      .strictObject({
        modality: oneOrMany.optional(),
        procedureCode: oneOrMany.optional(),
        enteringDevice: oneOrMany.optional(),
      })
      .optional(),
    aeTitles: z.array(aeTitle).min(1).optional(),
    fromEnteringDevice: z.literal(true).optional(),
    stationName: z.string().max(16, 'a station name (SH) has at most 16 characters').optional(),
    location: z.string().max(16, 'a location (SH) has at most 16 characters').optional(),
  })
  .refine((r) => (r.aeTitles === undefined) !== (r.fromEnteringDevice === undefined), 'give either aeTitles or fromEnteringDevice: true');

export const worklistTablesSchema = z.strictObject({
  patientIdDomain: z.string().min(1).nullable().default(null),
  modalities: z.strictObject({
    map: z.record(z.string().min(1), cs),
    default: cs.nullable().default(null),
  }),
  stations: z.array(stationRule).default([]),
});

export type WorklistTables = z.infer<typeof worklistTablesSchema>;
export type StationRule = WorklistTables['stations'][number];

export type TablesError = { code: 'CHANNEL_TABLES_INVALID'; message: string };

/** Parses and checks the tables' YAML; the message names the file and each wrong entry. */
export function parseWorklistTables(text: string, source = 'worklist-tables.yaml'): Result<WorklistTables, TablesError> {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    return { ok: false, error: { code: 'CHANNEL_TABLES_INVALID', message: `${source}: not YAML: ${(err as Error).message}` } };
  }
  const parsed = worklistTablesSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`);
    return { ok: false, error: { code: 'CHANNEL_TABLES_INVALID', message: `${source}: ${issues.join('; ')}` } };
  }
  return { ok: true, value: parsed.data };
}

/** Reads the tables file (the shipped one by default); throws with the reason when it is wrong (start-up stops). */
export function loadWorklistTables(file = WORKLIST_TABLES_FILE): WorklistTables {
  const parsed = parseWorklistTables(readFileSync(file, 'utf8'), file);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

export type ModalityLookup = { modality: string; how: 'table' | 'as-sent' | 'default' } | { modality: undefined; how: 'empty' | 'unknown' };

/**
 * The DICOM modality for a code: the table's entry; else the code itself when it is coded in
 * DICOM (`DCM`, IPC-5.3) and is a valid CS; else the table's default.
 */
export function lookupModality(tables: WorklistTables, code: string, codingScheme = ''): ModalityLookup {
  const key = code.trim().toUpperCase();
  const mapped = key && Object.hasOwn(tables.modalities.map, key) ? tables.modalities.map[key] : undefined;
  if (mapped) return { modality: mapped, how: 'table' };
  if (key && codingScheme.toUpperCase() === 'DCM' && /^[A-Z0-9_]{1,16}$/.test(key)) return { modality: key, how: 'as-sent' };
  if (tables.modalities.default) return { modality: tables.modalities.default, how: 'default' };
  return { modality: undefined, how: key ? 'unknown' : 'empty' };
}

export type StationFacts = { modality: string; procedureCodes: string[]; enteringDevices: string[] };
export type StationRoute = { rule: StationRule; index: number; aeTitles: string[]; stationName?: string; location?: string };

function matches(pattern: string, value: string): boolean {
  if (pattern === '*') return value !== '';
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return re.test(value);
}

function anyMatch(patterns: string[] | undefined, values: string[]): boolean {
  if (!patterns) return true;
  return patterns.some((p) => values.some((v) => matches(p, v)));
}

/** The first rule whose conditions hold, with the AE titles it gives; undefined when none does. */
export function routeStation(tables: WorklistTables, facts: StationFacts): StationRoute | undefined {
  for (const [index, rule] of tables.stations.entries()) {
    const w = rule.when ?? {};
    if (!anyMatch(w.modality, [facts.modality]) || !anyMatch(w.procedureCode, facts.procedureCodes) || !anyMatch(w.enteringDevice, facts.enteringDevices)) continue;
    const aeTitles = rule.fromEnteringDevice ? facts.enteringDevices.filter((d) => d !== '') : (rule.aeTitles ?? []);
    if (aeTitles.length === 0) continue;
    return {
      rule,
      index,
      aeTitles,
      ...(rule.stationName !== undefined ? { stationName: rule.stationName } : {}),
      ...(rule.location !== undefined ? { location: rule.location } : {}),
    };
  }
  return undefined;
}
