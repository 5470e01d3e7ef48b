// The Modality Worklist as a modality sees it: orders arrive from the RIS as ORM^O01 over MLLP
// (python3-hl7's mllp_send), and DCMTK's findscu -W asks the DICOM listener for today's
// procedures of its station and modality, with the query file a modality would send
// (standards-mappings.md 3.6, written as a DCMTK dump and converted with dump2dcm). Cancelled
// orders and items missing Type 1 values are not offered; a bad query is refused with a reason;
// findscu --cancel stops the answers.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startTestAppliance } from './support/test-appliance.ts';
import type { TestAppliance } from './support/test-appliance.ts';
import { dcmtk, readDicomFile } from './support/dicom-peer.ts';

const run = promisify(execFile);

const pad = (n: number) => String(n).padStart(2, '0');
const dicomDate = (d: Date) => `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}`;
const TODAY = dicomDate(new Date());
const TOMORROW = dicomDate(new Date(Date.now() + 86_400_000));

type Order = { control: string; orc1?: string; orc5?: string; placer: string; patient: string; name: string; obr24?: string; station?: string; start: string; zds?: string; charset?: string };

/** An ORM^O01 v2.3.1 in the shape of standards-mappings.md 1.5; ORC-18 is the station AE title (worklist-tables.yaml). */
function orm(o: Order): string {
  return [
    `MSH|^~\\&|RIS|RADIOLOGY|PACS|HOSPITAL|${TODAY}073000||ORM^O01|${o.control}|P|2.3.1||||||${o.charset ?? '8859/1'}`,
    `PID|1||${o.patient}^^^HOSP^MR||${o.name}||19800115|F`,
    `PV1|1|O|RAD^CT1^^HOSP|||||1234^SMITH^JOHN^^^DR|||||||||||V-${o.placer}^^^HOSP`,
    `ORC|${o.orc1 ?? 'NW'}|${o.placer}^EPIC|||${o.orc5 ?? 'SC'}||1^^^${o.start}^^R||${TODAY}073000|||5678^JONES^ALICE^^^DR||||||${o.station ?? ''}`,
    `OBR|1|${o.placer}^EPIC||CTCHEST^CT Chest with contrast^LOCAL^CTP01^CT chest routine protocol^LOCAL|||||||||Contrast allergy|||5678^JONES^ALICE^^^DR||ACC-${o.placer}|RP-${o.placer}|SPS-${o.placer}||||${o.obr24 ?? 'CT'}|||1^^^${o.start}^^R`,
    ...(o.zds ? [`ZDS|${o.zds}^RIS^Application^DICOM`] : []),
  ].join('\r');
}

/** The query of standards-mappings.md 3.6 with this test's matching values. */
function queryDump(k: { name?: string; modality?: string; station?: string; date?: string }): string {
  return `# MWL query as a modality would send it (findscu -W)
(0008,0005) CS [ISO_IR 100]
(0008,0050) SH []
(0008,0090) PN []
(0010,0010) PN [${k.name ?? ''}]
(0010,0020) LO []
(0010,0021) LO []
(0010,0030) DA []
(0010,0040) CS []
(0020,000d) UI []
(0032,1032) PN []
(0032,1060) LO []
(0032,1064) SQ
  (fffe,e000) -
  (fffe,e00d) -
(fffe,e0dd) -
(0038,0010) LO []
(0040,0100) SQ
  (fffe,e000) -
    (0008,0060) CS [${k.modality ?? ''}]
    (0040,0001) AE [${k.station ?? ''}]
    (0040,0002) DA [${k.date ?? ''}]
    (0040,0003) TM []
    (0040,0006) PN []
    (0040,0007) LO []
    (0040,0008) SQ
    (fffe,e0dd) -
    (0040,0009) SH []
    (0040,0020) CS []
  (fffe,e00d) -
(fffe,e0dd) -
(0040,1001) SH []
(0040,1002) LO []
(0040,1003) SH []
`;
}

type Naturalized = Record<string, unknown>;
type Step = Record<string, unknown>;

describe('Modality Worklist C-FIND (mllp_send orders -> findscu -W)', () => {
  let app: TestAppliance;
  let dir: string;
  before(async () => {
    app = await startTestAppliance();
    dir = mkdtempSync(join(tmpdir(), 'worklist-find-'));
  });
  after(async () => {
    await app.stop();
    await app.testEnv.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  let files = 0;
  /** Sends the orders with `mllp_send --loose` and checks every one was accepted (AA). */
  async function send(...orders: Order[]): Promise<void> {
    const file = join(dir, `m${++files}.hl7`);
    writeFileSync(file, orders.map((o) => orm(o).replaceAll('\r', '\n')).join('\n') + '\n', 'utf8');
    const { stdout } = await run('mllp_send', ['--loose', '-f', file, '-p', String(app.ports.mllp), '127.0.0.1']);
    const codes = [...stdout.matchAll(/MSA\|(\w\w)\|/g)].map((m) => m[1]);
    assert.deepEqual(codes, orders.map(() => 'AA'), stdout);
  }

  /** Runs `findscu -W` with the query file; returns the responses (-X writes one file each) and the tool's log. */
  async function findscu(k: Parameters<typeof queryDump>[0], extra: string[] = []): Promise<{ matches: Naturalized[]; files: string[]; log: string; code: number }> {
    const n = ++files;
    const dump = join(dir, `q${n}.dump`);
    const query = join(dir, `q${n}.dcm`);
    writeFileSync(dump, queryDump(k), 'latin1');
    const converted = await dcmtk('dump2dcm', ['-F', dump, query]);
    assert.equal(converted.code, 0, converted.stderr);
    const out = mkdtempSync(join(dir, 'rsp-'));
    const result = await dcmtk('findscu', ['-W', '-v', '-aet', 'CT01', '-aec', 'PACS', '-X', '-od', out, ...extra, '127.0.0.1', String(app.ports.dicom), query]);
    const paths = readdirSync(out).filter((f) => f.startsWith('rsp')).sort().map((f) => join(out, f));
    return { matches: paths.map(readDicomFile), files: paths, log: result.stdout + result.stderr, code: result.code };
  }

  const step = (m: Naturalized) => (m.ScheduledProcedureStepSequence as Step[])[0]!;
  const accessions = (ms: Naturalized[]) => ms.map((m) => m.AccessionNumber as string);
  const personName = (v: unknown) => (v as { Alphabetic?: string }[] | undefined)?.[0]?.Alphabetic;

  before(async () => {
    await send(
      { control: 'F-1', placer: 'PO-F1', patient: 'MRN-F1', name: 'DOE^JANE^Q', station: 'CT01', start: `${TODAY}093000`, zds: '1.2.840.99999.40.1' },
      { control: 'F-2', placer: 'PO-F2', patient: 'MRN-F2', name: 'DOBBS^JOHN', station: 'CT01', start: `${TODAY}110000` },
      { control: 'F-3', placer: 'PO-F3', patient: 'MRN-F1', name: 'DOE^JANE^Q', station: 'CT01', start: `${TOMORROW}093000` },
      { control: 'F-4', placer: 'PO-F4', patient: 'MRN-F4', name: 'DOUGLAS^ANN', station: 'CT02', start: `${TODAY}100000` },
      { control: 'F-5', placer: 'PO-F5', patient: 'MRN-F5', name: 'DODD^MAX', station: 'MR01', obr24: 'MR', start: `${TODAY}100000` },
      { control: 'F-6', placer: 'PO-F6', patient: 'MRN-F6', name: 'DOLAN^EVE', station: 'CT01', start: `${TODAY}140000` },
      // No ORC-18: no rule routes it to a station, so it lacks a Type 1 value.
      { control: 'F-7', placer: 'PO-F7', patient: 'MRN-F7', name: 'DORSEY^LEE', start: `${TODAY}150000` },
      { control: 'F-8', placer: 'PO-F8', patient: 'MRN-F8', name: 'SMITH^ANN', station: 'CT01', start: `${TODAY}080000` },
      { control: 'F-9', placer: 'PO-F9', patient: 'MRN-F9', name: 'DØRUM^ÅSE', station: 'CT01', start: `${TODAY}160000`, charset: 'UNICODE UTF-8' },
    );
  });

  test("today's CT01 CT procedures for a name typed in lower case, with every key asked for", async () => {
    const { matches, files: rsp, log, code } = await findscu({ name: 'do*', modality: 'CT', station: 'CT01', date: TODAY });
    assert.equal(code, 0, log);
    // Schedule order: 09:30, 11:00, 14:00. Not: tomorrow's, CT02's, the MR, the unrouted one, SMITH, DØRUM.
    assert.deepEqual(accessions(matches), ['ACC-PO-F1', 'ACC-PO-F2', 'ACC-PO-F6']);
    const [first] = matches;
    assert.equal(personName(first!.PatientName), 'DOE^JANE^Q');
    assert.equal(first!.PatientID, 'MRN-F1');
    assert.equal(first!.IssuerOfPatientID, 'HOSP');
    assert.equal(first!.PatientBirthDate, '19800115');
    assert.equal(first!.PatientSex, 'F');
    assert.equal(first!.StudyInstanceUID, '1.2.840.99999.40.1');
    assert.equal(personName(first!.ReferringPhysicianName), 'SMITH^JOHN^^DR');
    assert.equal(personName(first!.RequestingPhysician), 'JONES^ALICE^^DR');
    assert.equal(first!.RequestedProcedureDescription, 'CT Chest with contrast');
    assert.deepEqual((first!.RequestedProcedureCodeSequence as Step[]).map((c) => [c.CodeValue, c.CodingSchemeDesignator, c.CodeMeaning]), [['CTCHEST', 'LOCAL', 'CT Chest with contrast']]);
    assert.equal(first!.AdmissionID, 'V-PO-F1');
    assert.equal(first!.RequestedProcedureID, 'RP-PO-F1');
    assert.equal(first!.RequestedProcedurePriority, 'ROUTINE');
    const sps = step(first!);
    assert.deepEqual(
      [sps.Modality, sps.ScheduledStationAETitle, sps.ScheduledProcedureStepStartDate, sps.ScheduledProcedureStepStartTime, sps.ScheduledProcedureStepDescription, sps.ScheduledProcedureStepID, sps.ScheduledProcedureStepStatus],
      ['CT', 'CT01', TODAY, '093000', 'CT chest routine protocol', 'SPS-PO-F1', 'SCHEDULED'],
    );
    assert.deepEqual((sps.ScheduledProtocolCodeSequence as Step[]).map((c) => c.CodeValue), ['CTP01']);

    // What is on the wire, by tag: every key asked for, the empty ones zero-length, and nothing else.
    const dump = (await dcmtk('dcmdump', ['-q', rsp[0]!])).stdout;
    const tags = [...dump.matchAll(/^\(([0-9a-f]{4},[0-9a-f]{4})\)/gm)].map((m) => m[1]).filter((t) => !t!.startsWith('0002') && !t!.startsWith('fffe'));
    assert.deepEqual(tags, ['0008,0005', '0008,0050', '0008,0090', '0010,0010', '0010,0020', '0010,0021', '0010,0030', '0010,0040', '0020,000d', '0032,1032', '0032,1060', '0032,1064', '0038,0010', '0040,0100', '0040,1001', '0040,1002', '0040,1003'], dump);
    assert.match(dump, /\(0040,0006\) PN \(no value available\)/, 'a Type 2 key the order does not fill comes back empty');
    assert.match(dump, /\(0040,1002\) LO \(no value available\)/);
    // The order came in ISO 8859-1 but holds only ASCII: its character set is answered as it was.
    assert.match(dump, /\(0008,0005\) CS \[ISO_IR 100\]/);
  });

  test('a modality that leaves everything empty gets every open, routed item; a non-ASCII name comes back in UTF-8', async () => {
    const { matches } = await findscu({});
    assert.deepEqual(accessions(matches), ['ACC-PO-F8', 'ACC-PO-F1', 'ACC-PO-F4', 'ACC-PO-F5', 'ACC-PO-F2', 'ACC-PO-F6', 'ACC-PO-F9', 'ACC-PO-F3']);
    const byName = await findscu({ name: 'dørum*' });
    assert.deepEqual(accessions(byName.matches), ['ACC-PO-F9']);
    // (dcmjs, which reads the files here, reports every character set as ISO_IR 192 once decoded: dcmdump shows what was sent.)
    assert.equal(personName(byName.matches[0]!.PatientName), 'DØRUM^ÅSE');
    assert.match((await dcmtk('dcmdump', ['-q', byName.files[0]!])).stdout, /\(0008,0005\) CS \[ISO_IR 192\]/);
  });

  test('the unrouted order is stored (and listed with what it lacks) but not offered', async () => {
    const res = await app.fetch(`/api/worklist?filter=${encodeURIComponent(JSON.stringify({ accessionNumber: 'ACC-PO-F7' }))}`);
    const [item] = (await res.json()) as { status: string; missingType1: string[] }[];
    assert.deepEqual([item?.status, item?.missingType1], ['SCHEDULED', ['ScheduledStationAETitle']]);
    const { matches } = await findscu({ name: 'DORSEY*' });
    assert.deepEqual(matches, []);
  });

  test('a cancelled order is no longer offered', async () => {
    assert.deepEqual(accessions((await findscu({ name: 'DOLAN*' })).matches), ['ACC-PO-F6']);
    await send({ control: 'F-6-CA', orc1: 'CA', orc5: 'CA', placer: 'PO-F6', patient: 'MRN-F6', name: 'DOLAN^EVE', station: 'CT01', start: `${TODAY}140000` });
    assert.deepEqual((await findscu({ name: 'DOLAN*' })).matches, []);
    assert.deepEqual(accessions((await findscu({ name: 'do*', modality: 'CT', station: 'CT01', date: TODAY })).matches), ['ACC-PO-F1', 'ACC-PO-F2']);
  });

  test('a date range and a -k override on the step, as findscu users write them', async () => {
    const { matches } = await findscu({ station: 'CT01' }, ['-k', `ScheduledProcedureStepSequence[0].ScheduledProcedureStepStartDate=${TOMORROW}-${TOMORROW}`]);
    assert.deepEqual(accessions(matches), ['ACC-PO-F3']);
  });

  test('a malformed date is refused with a failure status and its reason', async () => {
    const { matches, log } = await findscu({ date: 'today' }, ['-d']);
    assert.deepEqual(matches, []);
    assert.match(log, /DIMSE Status\s*: 0xa900/, log);
    assert.match(log, /\(0000,0902\) LO \[ScheduledProcedureStepStartDate "today" is not a valid/, log);
  });

  test('C-CANCEL stops the answers (findscu --cancel after two of them)', async () => {
    // Enough matches that the answers are still streaming when the cancel arrives.
    const rows = 300;
    await app.db.query(
      `insert into worklist_orders (placer_order_number, accession_number, patient_id, study_instance_uid, status)
       select 'PO-C' || g, 'ACC-C' || g, 'MRN-C', '1.2.3.9.' || g, 'SCHEDULED' from generate_series(1, $1::int) g`,
      [rows],
    );
    await app.db.query(
      `insert into worklist_items (order_id, status, patient_id, patient_name, accession_number, modality, station_ae_titles, scheduled_date, scheduled_time, sps_id, requested_procedure_id, study_instance_uid, item)
       select o.id, 'SCHEDULED', 'MRN-C', 'CANCEL^ME', o.accession_number, 'CT', array['CT09'], $1, '120000', 'SPS-' || o.id, 'RP-' || o.id, o.study_instance_uid,
         jsonb_build_object('PatientName', 'CANCEL^ME', 'PatientID', 'MRN-C', 'AccessionNumber', o.accession_number, 'StudyInstanceUID', o.study_instance_uid,
           'RequestedProcedureID', 'RP-' || o.id, 'RequestedProcedureDescription', 'CT',
           'ScheduledProcedureStepSequence', jsonb_build_array(jsonb_build_object('Modality', 'CT', 'ScheduledStationAETitle', jsonb_build_array('CT09'),
             'ScheduledProcedureStepStartDate', $1::text, 'ScheduledProcedureStepStartTime', '120000', 'ScheduledProcedureStepDescription', 'CT', 'ScheduledProcedureStepID', 'SPS-' || o.id)))
       from worklist_orders o where o.patient_id = 'MRN-C'`,
      [TODAY],
    );
    const { matches, log } = await findscu({ name: 'CANCEL^ME', station: 'CT09' }, ['--cancel', '2']);
    assert.match(log, /Sending Cancel Request/, log);
    assert.match(log, /Received Final Find Response \(Cancel: MatchingTerminatedDueToCancelRequest\)/, log);
    assert.ok(matches.length >= 2 && matches.length < rows, `${matches.length} matches before the cancel took effect`);
    // Without the cancel, all of them.
    assert.equal((await findscu({ name: 'CANCEL^ME', station: 'CT09' })).matches.length, rows);
  });
});

