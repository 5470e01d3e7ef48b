// Modality Worklist C-FIND latency with 100,000 scheduled items: what a modality asks every few
// minutes (its station AE title, its modality, today's date, and the return keys of
// standards-mappings.md 3.6), asked by DCMTK's findscu -W (TCP_NODELAY=1) over a real
// association, timed from findscu's own log (request sent -> final response received), so that
// neither process start-up nor the client's work in this process counts. A second figure times
// the service alone in-process (SQL, matching, response identifiers; no DIMSE encoding). Items
// are generated in SQL; the appliance runs in-process.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWorklistFindScp } from '../dicom/index.ts';
import type { DicomJson, FindRequest } from '../dicom/index.ts';
import { dcmtk } from '../test/support/dicom-peer.ts';
import { startTestAppliance } from '../test/support/test-appliance.ts';

const TOTAL = Number(process.env.BENCH_WORKLIST_ITEMS ?? 100_000);
const RUNS = 40;
/** Days the items spread over, around today; 5 modalities with 6 stations each: ~33 items per station and day. */
const DAYS = 100;

const pad = (n: number) => String(n).padStart(2, '0');
const dicomDate = (d: Date) => `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}`;

/** The query of standards-mappings.md 3.6 (DCMTK dump format) for one station, modality and day. */
function queryDump(station: string, modality: string, date: string): string {
  const empty = (tag: string, vr: string) => `(${tag}) ${vr} []`;
  return [
    '(0008,0005) CS [ISO_IR 100]',
    ...[['0008,0050', 'SH'], ['0008,0090', 'PN'], ['0010,0010', 'PN'], ['0010,0020', 'LO'], ['0010,0021', 'LO'], ['0010,0030', 'DA'], ['0010,0040', 'CS'], ['0020,000d', 'UI'], ['0032,1032', 'PN'], ['0032,1060', 'LO']].map(([t, v]) => empty(t!, v!)),
    '(0032,1064) SQ', '(fffe,e000) -', '(fffe,e00d) -', '(fffe,e0dd) -',
    empty('0038,0010', 'LO'),
    '(0040,0100) SQ', '(fffe,e000) -',
    `(0008,0060) CS [${modality}]`, `(0040,0001) AE [${station}]`, `(0040,0002) DA [${date}]`,
    ...[['0040,0003', 'TM'], ['0040,0006', 'PN'], ['0040,0007', 'LO']].map(([t, v]) => empty(t!, v!)),
    '(0040,0008) SQ', '(fffe,e0dd) -',
    empty('0040,0009', 'SH'), empty('0040,0020', 'CS'),
    '(fffe,e00d) -', '(fffe,e0dd) -',
    ...[['0040,1001', 'SH'], ['0040,1002', 'LO'], ['0040,1003', 'SH']].map(([t, v]) => empty(t!, v!)),
  ].join('\n');
}

/** The same query as DICOM JSON, for the in-process figure. */
function queryJson(station: string, modality: string, date: string): DicomJson {
  const e = (vr: string, v?: string) => (v ? { vr, Value: [v] } : { vr });
  return {
    '00080005': e('CS', 'ISO_IR 100'), '00080050': e('SH'), '00080090': e('PN'), '00100010': e('PN'), '00100020': e('LO'), '00100021': e('LO'),
    '00100030': e('DA'), '00100040': e('CS'), '0020000D': e('UI'), '00321032': e('PN'), '00321060': e('LO'), '00321064': { vr: 'SQ', Value: [{}] }, '00380010': e('LO'),
    '00400100': { vr: 'SQ', Value: [{ '00080060': e('CS', modality), '00400001': e('AE', station), '00400002': e('DA', date), '00400003': e('TM'), '00400006': e('PN'), '00400007': e('LO'), '00400008': { vr: 'SQ' }, '00400009': e('SH'), '00400020': e('CS') }] },
    '00401001': e('SH'), '00401002': e('LO'), '00401003': e('SH'),
  };
}

/** findscu's log with a timestamp (HH:MM:SS.mmm.uuu) on every line. */
const LOG_CONFIG = `log4cplus.rootLogger = INFO, console
log4cplus.appender.console = log4cplus::ConsoleAppender
log4cplus.appender.console.ImmediateFlush = true
log4cplus.appender.console.layout = log4cplus::PatternLayout
log4cplus.appender.console.layout.ConversionPattern = %D{%H:%M:%S.%Q} %m%n
`;

const ms = (stamp: string) => {
  const [h, m, s, frac] = stamp.split(/[:.]/).map(Number) as [number, number, number, number];
  return ((h * 60 + m) * 60 + s) * 1000 + frac + Number(stamp.split('.')[2] ?? 0) / 1000;
};

/** Runs findscu -W with --repeat: each query's time from "Sending Find Request" to "Received Final Find Response", and the matches of the last. */
async function findscuTimes(dir: string, port: number, query: string, repeat: number, extra: string[] = []): Promise<{ each: number[]; association: number; matches: number }> {
  const r = await dcmtk('findscu', ['-W', '-aet', 'CT01', '-aec', 'PACS', '-lc', join(dir, 'log.cfg'), '--repeat', String(repeat), ...extra, '127.0.0.1', String(port), query], 300_000);
  if (r.code !== 0) throw new Error(`findscu failed: ${r.stderr || r.stdout}`);
  const lines = (r.stdout + r.stderr).split('\n');
  const at = (re: RegExp) => lines.filter((l) => re.test(l)).map((l) => ms(l.split(' ')[0]!));
  const sent = at(/ Sending Find Request/);
  const done = at(/ Received Final Find Response \(Success\)/);
  if (sent.length !== repeat || done.length !== repeat) throw new Error(`findscu: ${done.length} of ${repeat} queries succeeded`);
  const [requested] = at(/ Requesting Association/);
  const [releasing] = at(/ Releasing Association/);
  // The response counter runs on across repeats: the last query's matches are the responses after its request.
  const lastSent = lines.findLastIndex((l) => / Sending Find Request/.test(l));
  const matches = lines.slice(lastSent).filter((l) => / Find Response: \d+ \(Pending\)/.test(l)).length;
  return { each: sent.map((t, i) => done[i]! - t), association: releasing! - requested!, matches };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)]!;

/** `total` scheduled items (and their orders) spread over DAYS days around today, in bulk SQL. */
export async function generateWorklist(db: { query(sql: string, params?: unknown[]): Promise<unknown> }, total: number): Promise<void> {
  const first = new Date(Date.now() - (DAYS / 2) * 86_400_000);
  const firstDay = `${first.getFullYear()}-${pad(first.getMonth() + 1)}-${pad(first.getDate())}`;
  for (let start = 0; start < total; start += 20_000) {
    const end = Math.min(total, start + 20_000);
    // g: day = g % DAYS, modality = (g / DAYS) % 5, station = (g / 500) % 6 + 1, start time from 07:00 in 20-minute steps.
    await db.query(
      `insert into worklist_orders (placer_order_number, placer_issuer, accession_number, patient_id, issuer_of_patient_id, study_instance_uid, status)
       select 'PO' || g, 'EPIC', 'A' || g, 'MRN' || (g % 40000), 'HOSP', '2.25.' || (100000000 + g), 'SCHEDULED'
       from generate_series($1::int, $2::int - 1) g`,
      [start, end],
    );
    await db.query(
      `with s as (
         select o.id as order_id, g,
           to_char($3::date + (g % ${DAYS}), 'YYYYMMDD') as day,
           (array['CT','MR','US','CR','DX'])[1 + (g / ${DAYS}) % 5] as modality,
           lpad((7 + ((g / 3000) % 33) / 3)::text, 2, '0') || lpad((((g / 3000) % 3) * 20)::text, 2, '0') || '00' as time,
           (array['DOE','SMITH','MÜLLER','NGUYEN','GARCIA','ROE','BROWN'])[1 + g % 7] || '^' || (array['JANE','JOHN','ANNA','LEE'])[1 + (g / 7) % 4] || '^' || chr(65 + g % 26) as name,
           case when g % 97 = 2 then 0 else 1 end as routed,
           case when g % 13 = 0 then 'COMPLETED' when g % 50 = 1 then 'CANCELLED' when g % 41 = 3 then 'IN PROGRESS' else 'SCHEDULED' end as status
         from generate_series($1::int, $2::int - 1) g join worklist_orders o on o.placer_order_number = 'PO' || g and o.placer_issuer = 'EPIC'
       ), t as (
         select s.*, case when routed = 1 then array[modality || '0' || (1 + (g / 500) % 6)] else '{}'::text[] end as aes from s
       )
       insert into worklist_items (order_id, status, patient_id, issuer_of_patient_id, patient_name, accession_number, modality, station_ae_titles,
         scheduled_date, scheduled_time, sps_id, requested_procedure_id, study_instance_uid, missing_type1, item)
       select order_id, status, 'MRN' || (g % 40000), 'HOSP', name, 'A' || g, modality, aes, day, time, 'SPS' || g, 'RP' || g, '2.25.' || (100000000 + g),
         case when routed = 1 then '{}'::text[] else array['ScheduledStationAETitle'] end,
         jsonb_build_object(
           'SpecificCharacterSet', 'ISO_IR 100', 'PatientName', name, 'PatientID', 'MRN' || (g % 40000), 'IssuerOfPatientID', 'HOSP',
           'PatientBirthDate', to_char(date '1940-01-01' + (g % 25000), 'YYYYMMDD'), 'PatientSex', (array['F','M'])[1 + g % 2],
           'ReferringPhysicianName', 'SMITH^JOHN^^DR', 'AdmissionID', 'V' || g, 'IssuerOfAdmissionIDSequence', jsonb_build_array(jsonb_build_object('LocalNamespaceEntityID', 'HOSP')),
           'MedicalAlerts', 'Contrast allergy', 'RequestingPhysician', 'JONES^ALICE^^DR', 'AccessionNumber', 'A' || g,
           'PlacerOrderNumberImagingServiceRequest', 'PO' || g, 'OrderPlacerIdentifierSequence', jsonb_build_array(jsonb_build_object('LocalNamespaceEntityID', 'EPIC')),
           'RequestedProcedureID', 'RP' || g, 'StudyInstanceUID', '2.25.' || (100000000 + g),
           'RequestedProcedureDescription', modality || ' Chest with contrast',
           'RequestedProcedureCodeSequence', jsonb_build_array(jsonb_build_object('CodeValue', modality || 'CHEST', 'CodingSchemeDesignator', 'LOCAL', 'CodeMeaning', modality || ' Chest with contrast')),
           'ReasonForTheRequestedProcedure', 'Chest pain, unspecified', 'RequestedProcedurePriority', 'ROUTINE',
           'ReferencedStudySequence', '[]'::jsonb, 'ReferencedPatientSequence', '[]'::jsonb,
           'ScheduledProcedureStepSequence', jsonb_build_array(jsonb_build_object(
             'Modality', modality, 'ScheduledStationAETitle', to_jsonb(aes), 'ScheduledProcedureStepStartDate', day, 'ScheduledProcedureStepStartTime', time,
             'ScheduledProcedureStepDescription', modality || ' chest routine protocol',
             'ScheduledProtocolCodeSequence', jsonb_build_array(jsonb_build_object('CodeValue', modality || 'P01', 'CodingSchemeDesignator', 'LOCAL', 'CodeMeaning', modality || ' chest routine protocol')),
             'ScheduledProcedureStepID', 'SPS' || g)))
       from t`,
      [start, end, firstDay],
    );
  }
}

export async function mwlFind(): Promise<string[]> {
  const app = await startTestAppliance();
  const dir = mkdtempSync(join(tmpdir(), 'mwl-bench-'));
  const lines: string[] = [];
  try {
    const t0 = performance.now();
    await generateWorklist(app.db, TOTAL);
    await app.db.query('analyze worklist_orders');
    await app.db.query('analyze worklist_items');
    lines.push(`(${TOTAL.toLocaleString('en')} items over ${DAYS} days generated in ${((performance.now() - t0) / 1000).toFixed(0)} s)`, '');
    lines.push('| query: station CT01, modality CT, today (standards-mappings.md 3.6 keys) | matches | median ms | p95 ms |', '|---|---|---|---|');

    const today = dicomDate(new Date());
    writeFileSync(join(dir, 'log.cfg'), LOG_CONFIG);
    writeFileSync(join(dir, 'query.dump'), queryDump('CT01', 'CT', today));
    const converted = await dcmtk('dump2dcm', ['-F', join(dir, 'query.dump'), join(dir, 'query.dcm')]);
    if (converted.code !== 0) throw new Error(converted.stderr);
    const query = join(dir, 'query.dcm');

    // The service alone, as dicom-scp.ts drives it: SQL, matching and response identifiers.
    const quiet = { error() {}, warn() {}, info() {}, debug() {}, child: () => quiet };
    const scp = createWorklistFindScp({ db: app.db, log: quiet });
    const request: FindRequest = { association: { id: 0, callingAeTitle: 'CT01', calledAeTitle: 'PACS', remoteAddress: '' }, sopClassUid: '1.2.840.10008.5.1.4.31', messageId: 1, identifier: queryJson('CT01', 'CT', today) };
    const service: number[] = [];
    const answers: DicomJson[] = [];
    for (let i = 0; i < RUNS + 5; i++) {
      const t = performance.now();
      answers.length = 0;
      for await (const a of scp.find(request, new AbortController().signal)) if (a.identifier) answers.push(a.identifier);
      if (i >= 5) service.push(performance.now() - t);
    }
    const onePatient = String(answers[0]?.['00100020']?.Value?.[0] ?? '');

    await findscuTimes(dir, app.ports.dicom, query, 5); // warm up
    const open = await findscuTimes(dir, app.ports.dicom, query, RUNS);
    lines.push(`| findscu -W, C-FIND on an open association (request sent -> final response) | ${open.matches} | ${median(open.each).toFixed(1)} | ${p95(open.each).toFixed(1)} |`);
    const one = await findscuTimes(dir, app.ports.dicom, query, RUNS, ['-k', `PatientID=${onePatient}`]);
    lines.push(`| the same with the Patient ID of one of them | ${one.matches} | ${median(one.each).toFixed(1)} | ${p95(one.each).toFixed(1)} |`);
    const whole: number[] = [];
    for (let i = 0; i < 15; i++) whole.push((await findscuTimes(dir, app.ports.dicom, query, 1)).association);
    lines.push(`| findscu -W, associate + C-FIND + release request (its log: no process start) | ${open.matches} | ${median(whole).toFixed(1)} | ${p95(whole).toFixed(1)} |`);
    lines.push(`| the service in-process: SQL, matching, identifiers (no DIMSE encoding) | ${answers.length} | ${median(service).toFixed(1)} | ${p95(service).toFixed(1)} |`);
  } finally {
    await app.stop();
    await app.testEnv.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
  return lines;
}
