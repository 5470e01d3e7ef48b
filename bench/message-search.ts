// Message search latency over 1 million stored messages (GET /api/messages?filter={"q":...}),
// the analyst's message browser. Messages are generated in SQL; the appliance runs in-process.
import { startTestAppliance } from '../test/support/test-appliance.ts';

const TOTAL = Number(process.env.BENCH_MESSAGES ?? 1_000_000);

export async function messageSearch(): Promise<string[]> {
  const app = await startTestAppliance();
  const lines = [`| query (${TOTAL.toLocaleString('en')} messages) | hits (page of 25) | median ms | p95 ms |`, '|---|---|---|---|'];
  try {
    const t0 = performance.now();
    for (let start = 0; start < TOTAL; start += 100_000) {
      await app.db.query(
        `insert into messages (channel_id, status, data_type, raw, message_type, control_id, patient_id, accession, received_at)
         select 'orders', case when g % 97 = 0 then 'error' else 'sent' end, 'hl7v2',
           'MSH|^~\\&|RIS|HOSP|PACS|RAD|20261123120000||ORM^O01|CTL' || g || '|P|2.3.1' || chr(13) ||
           'PID|||PAT' || (g % 50000) || '^^^HOSP^MR||' || (array['DOE','SMITH','MÜLLER','NGUYEN','GARCIA'])[1 + g % 5] || '^' || md5(g::text) || '||19700101|F' || chr(13) ||
           'ORC|NW|ORD' || g || '|||SC' || chr(13) || 'OBR|1|ORD' || g || '||CT-HEAD^CT Head^L|||||||||||||ACC' || g || '||||||||CT' || chr(13),
           'ORM^O01', 'CTL' || g, 'PAT' || (g % 50000), 'ACC' || g, now() - make_interval(secs => ($2::int - g))
         from generate_series($1::int, $1::int + 99999) g where g < $2::int`,
        [start, TOTAL],
      );
    }
    await app.db.query('analyze messages');
    lines.unshift(`(generated and indexed in ${((performance.now() - t0) / 1000).toFixed(0)} s)`, '');
    const queries: [string, Record<string, unknown>][] = [
      ['rare text (an accession)', { q: 'ACC777777|' }],
      ['part of a hashed name', { q: md5Part() }],
      ['common text (a surname)', { q: 'NGUYEN' }],
      ['text + status error', { q: 'SMITH', status: 'error' }],
      ['patient id', { patientId: 'PAT4242' }],
      ['last hour, no text', { from: new Date(Date.now() - 3_600_000).toISOString() }],
    ];
    for (const [name, filter] of queries) {
      const times: number[] = [];
      let hits = 0;
      for (let i = 0; i < 15; i++) {
        const t = performance.now();
        const res = await app.fetch(`/api/messages?filter=${encodeURIComponent(JSON.stringify(filter))}&range=${encodeURIComponent('[0,24]')}`);
        hits = ((await res.json()) as unknown[]).length;
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      lines.push(`| ${name} | ${hits} | ${times[7]!.toFixed(0)} | ${times[14]!.toFixed(0)} |`);
    }
  } finally {
    await app.stop();
    await app.testEnv.cleanup();
  }
  return lines;
}

function md5Part(): string {
  // md5('123456') starts with e10adc39: a substring that occurs in few rows.
  return 'e10adc39';
}
