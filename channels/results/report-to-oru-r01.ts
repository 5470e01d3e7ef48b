// One released report version -> HL7 v2.5.1 ORU^R01 in the IHE RAD-128 style of
// standards-mappings.md 6.3-6.5: MSH, PID, PV1, ORC, OBR (accession in OBR-18, OBR-25 P/F/C,
// signer in OBR-32), then one OBX per report section (coded DCM sections, 6.4; multi-line text as
// OBX-5 repetitions) and the Study Instance UID row. Pure: the clock and the control ID come in ctx.
import { escapeHl7 } from '../../engine/index.ts';
import { resultStatusCode } from './report-status.ts';
import type { CodedValue, Person, ReportContext, ResultEvent } from './result-event.ts';

export type OruContext = {
  /** MSH-7. */
  now: Date;
  /** MSH-10: unique per message sent. */
  controlId: string;
  sendingApplication?: string;
  sendingFacility?: string;
  receivingApplication?: string;
  receivingFacility?: string;
};

/** The delimiters the message declares in MSH-1/MSH-2 (the engine's Hl7Delimiters shape). */
const DELIMITERS = { fieldSeparator: '|', componentSeparator: '^', repetitionSeparator: '~', escapeCharacter: '\\', subcomponentSeparator: '&' } as const;

/** Report sections in the order they are sent, with their OBX-3 (DCM codes, 6.4). */
const SECTIONS = [
  { key: 'indication', code: '121109', meaning: 'Indications for Procedure' },
  { key: 'technique', code: '121064', meaning: 'Current Procedure Descriptions' },
  { key: 'findings', code: '121070', meaning: 'Findings' },
  { key: 'impression', code: '121072', meaning: 'Impressions' },
] as const;

/**
 * DICOM Modality -> OBR-24 Diagnostic Service Section ID (HL7 table 0074) **(convention)**: the
 * sections that exist for imaging, RAD for the rest. Never the DICOM term itself (`MR` is not in 0074).
 */
const SERVICE_SECTION: Record<string, string> = { CT: 'CT', MR: 'NMR', NM: 'NMS', PT: 'NMS', US: 'RUS', CR: 'RX', DX: 'RX' };
/** Objects that are not images of the exam: not the study's "modality" for OBR-24. */
const NON_IMAGE_MODALITIES = new Set(['SR', 'KO', 'PR', 'SEG', 'REG', 'DOC', 'OT', 'RWV']);

const esc = (s: string | undefined): string => escapeHl7(s ?? '', DELIMITERS);

/** Joins parts with a separator, dropping empty parts at the end (`a^b^^` -> `a^b`). */
function join(parts: readonly string[], sep: string): string {
  let n = parts.length;
  while (n > 0 && parts[n - 1] === '') n--;
  return parts.slice(0, n).join(sep);
}

const components = (parts: readonly (string | undefined)[]) => join(parts.map(esc), '^');
const subcomponents = (parts: readonly (string | undefined)[]) => join(parts.map(esc), '&');

/** DICOM PN (first component group) -> [family, given, middle, prefix, suffix]. */
function pnParts(pn: string): [string, string, string, string, string] {
  const [family = '', given = '', middle = '', prefix = '', suffix = ''] = (pn.split('=')[0] ?? '').split('^');
  return [family, given, middle, prefix, suffix];
}

/** XPN: family ^ given ^ middle ^ suffix ^ prefix. */
function xpn(pn: string): string {
  const [family, given, middle, prefix, suffix] = pnParts(pn);
  return components([family, given, middle, suffix, prefix]);
}

/** XCN: ID ^ family ^ given ^ middle ^ suffix ^ prefix. */
function xcn(p: Person | undefined): string {
  if (!p) return '';
  const [family, given, middle, prefix, suffix] = pnParts(p.name);
  return components([p.id, family, given, middle, suffix, prefix]);
}

/** NDL component 1 (CNN) as sub-components: ID & family & given & middle & suffix & prefix (OBR-32). */
function ndl(p: Person): string {
  const [family, given, middle, prefix, suffix] = pnParts(p.name);
  return subcomponents([p.id, family, given, middle, suffix, prefix]);
}

const ce = (c: CodedValue | undefined, text = ''): string => (c ? components([c.code, c.meaning, c.scheme]) : text ? components(['', text]) : '');
const ei = (id: { number: string; issuer: string } | undefined): string => (id ? components([id.number, id.issuer]) : '');

/** A user as a person: a full name written as a DICOM PN (`REED^RACHEL^^DR`) keeps its parts; other text is all family name. */
export function userAsPerson(user: { username: string; fullName: string | null }): Person {
  const name = (user.fullName ?? '').trim();
  return { id: user.username, name };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** HL7 DTM in the appliance's local time (as DICOM dates and times are). */
export function hl7Time(d: Date): string {
  return `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`;
}

/** DICOM DA + TM -> HL7 DTM (`20250301` + `094112.5` -> `20250301094112.5`); empty without a date. */
function examTime(study: ReportContext['study']): string {
  if (!/^\d{8}$/.test(study.date)) return '';
  return study.date + study.time.replace(/[^0-9.]/g, '');
}

function serviceSection(modalities: readonly string[]): string {
  const m = modalities.find((x) => !NON_IMAGE_MODALITIES.has(x)) ?? modalities[0];
  return m ? (SERVICE_SECTION[m] ?? 'RAD') : 'RAD';
}

/**
 * Text -> OBX-5 (TX): one repetition per line, each escaped; blank lines inside are kept as empty
 * repetitions, leading and trailing ones dropped.
 */
export function textRepetitions(text: string): string {
  const lines = text.split(/\r\n|\r|\n/);
  while (lines.length && lines[0]!.trim() === '') lines.shift();
  while (lines.length && lines[lines.length - 1]!.trim() === '') lines.pop();
  return lines.map((l) => esc(l.replace(/\s+$/, ''))).join(DELIMITERS.repetitionSeparator);
}

/** Builds the message; segments end with CR. */
export function reportToOruR01(event: ResultEvent, ctx: OruContext): string {
  const { report, context } = event;
  const { patient, visit, order, study } = context;
  const status = resultStatusCode(report.status);
  const observed = examTime(study);
  const released = hl7Time(new Date(report.releasedAt));
  const segment = (fields: string[]) => join(fields, DELIMITERS.fieldSeparator);

  const msh = `MSH|^~\\&|${segment([
    esc(ctx.sendingApplication ?? 'PACS'),
    esc(ctx.sendingFacility ?? 'RADIOLOGY'),
    esc(ctx.receivingApplication),
    esc(ctx.receivingFacility),
    hl7Time(ctx.now),
    '',
    'ORU^R01^ORU_R01',
    esc(ctx.controlId),
    'P',
    '2.5.1',
    '', '', '', '', '',
    'UNICODE UTF-8',
  ])}`;

  const issuer = patient.universalId || patient.universalIdType ? subcomponents([patient.issuer, patient.universalId, patient.universalIdType]) : esc(patient.issuer);
  const pid3 = join([esc(patient.id), '', '', issuer, esc(patient.identifierType)], '^');
  const pid = segment(['PID', '1', '', pid3, '', xpn(patient.name), '', esc(patient.birthDate), esc(patient.sex)]);

  const pv1 = segment([
    'PV1',
    '1',
    esc(visit.patientClass || 'U'), // PV1-2 is required; U = unknown (table 0004) when the order did not say
    components(visit.location ?? []),
    '', '', '', '',
    xcn(context.referringPhysician),
    ...Array<string>(10).fill(''),
    visit.number ? join([esc(visit.number), '', '', esc(visit.numberIssuer)], '^') : '',
  ]);

  const placer = ei(order?.placer);
  const filler = ei(order?.filler);
  const orc = segment(['ORC', 'RE', placer, filler, '', 'CM', '', '', '', '', '', '', xcn(context.orderingProvider)]);

  const procedure = order?.procedure
    ? ce(order.procedure)
    : components(['', order?.procedureDescription || study.description]);
  const obr = segment([
    'OBR',
    '1',
    placer,
    filler,
    procedure,
    '', '',
    observed, // OBR-7 observation (exam) date/time
    '', '', '', '', '', '', '', '',
    xcn(context.orderingProvider), // OBR-16
    '',
    esc(study.accessionNumber), // OBR-18
    esc(order?.requestedProcedureId), // OBR-19
    '', '',
    released, // OBR-22 results report/status change
    '',
    serviceSection(study.modalities), // OBR-24
    status, // OBR-25
    '', '', '', '', '',
    ce(order?.reasonCode, order?.reason), // OBR-31 reason for study
    ndl(userAsPerson(report.releasedBy)), // OBR-32 principal result interpreter
  ]);

  const obx: string[] = [];
  const addObx = (type: string, code: string, meaning: string, value: string) => {
    obx.push(segment(['OBX', String(obx.length + 1), type, components([code, meaning, 'DCM']), '1', value, '', '', '', '', '', status, '', '', observed]));
  };
  for (const s of SECTIONS) {
    const value = textRepetitions(report[s.key]);
    if (value !== '') addObx('TX', s.code, s.meaning, value);
  }
  addObx('ST', '113014', 'Study', esc(study.studyInstanceUid));

  return [msh, pid, pv1, orc, obr, ...obx].join('\r') + '\r';
}
