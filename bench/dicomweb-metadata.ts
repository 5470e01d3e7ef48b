// WADO-RS series metadata (GET /dicom-web/studies/{s}/series/{se}/metadata) for a 500-instance
// series, as a viewer opens it: the DICOM JSON of every instance from the index, never from the
// files. The series is stored with STOW-RS through the archive's ingest; the appliance runs in-process.
import { startTestAppliance } from '../test/support/test-appliance.ts';
import { ctFile } from '../test/support/dicom-fixtures.ts';

const INSTANCES = Number(process.env.BENCH_SERIES_INSTANCES ?? 500);
const ROOT = '1.2.826.0.1.3680043.9.7433.99';

export async function dicomwebMetadata(): Promise<string[]> {
  const app = await startTestAppliance();
  const study = `${ROOT}.1`;
  const series = `${study}.1`;
  const lines: string[] = [];
  try {
    const t0 = performance.now();
    const boundary = 'bench-boundary';
    for (let start = 1; start <= INSTANCES; start += 50) {
      const parts: Buffer[] = [];
      for (let i = start; i < Math.min(start + 50, INSTANCES + 1); i++) {
        const file = ctFile({
          patientName: 'BENCH^SERIES', patientId: 'BENCH-1', studyUid: study, studyDate: '20250301', accession: 'BENCH', studyDescription: 'CT bench',
          seriesUid: series, seriesNumber: 1, seriesDescription: 'Axial 0.625', sopUid: `${series}.${i}`, instanceNumber: i, size: 16,
        });
        parts.push(Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`), file, Buffer.from('\r\n'));
      }
      parts.push(Buffer.from(`--${boundary}--\r\n`));
      const res = await app.fetch('/dicom-web/studies', { method: 'POST', body: Buffer.concat(parts), headers: { 'content-type': `multipart/related; type="application/dicom"; boundary=${boundary}` } });
      if (res.status !== 200) throw new Error(`STOW-RS answered ${res.status}: ${await res.text()}`);
    }
    lines.push(`(${INSTANCES} instances stored with STOW-RS in ${((performance.now() - t0) / 1000).toFixed(1)} s)`, '');
    lines.push(`| request (series of ${INSTANCES}) | response | median ms | p95 ms |`, '|---|---|---|---|');
    const url = `/dicom-web/studies/${study}/series/${series}/metadata`;
    const cases: [string, string, Record<string, string>][] = [
      ['series metadata', url, { accept: 'application/dicom+json' }],
      ['series metadata, gzip', url, { accept: 'application/dicom+json', 'accept-encoding': 'gzip' }],
      ['QIDO instances of the series', `/dicom-web/studies/${study}/series/${series}/instances`, { accept: 'application/dicom+json' }],
    ];
    for (const [name, path, headers] of cases) {
      const times: number[] = [];
      let size = 0;
      let count = 0;
      for (let i = 0; i < 21; i++) {
        const t = performance.now();
        const res = await app.fetch(path, { headers });
        const body = await res.arrayBuffer();
        times.push(performance.now() - t);
        size = Number(res.headers.get('content-length') ?? body.byteLength);
        if (i === 0) count = (JSON.parse(Buffer.from(body).toString('utf8')) as unknown[]).length;
      }
      times.sort((a, b) => a - b);
      const enc = headers['accept-encoding'] ? ' (decoded size)' : '';
      lines.push(`| ${name} | ${count} data sets, ${(size / 1024).toFixed(0)} KiB${enc} | ${times[10]!.toFixed(0)} | ${times[19]!.toFixed(0)} |`);
    }
  } finally {
    await app.stop();
    await app.testEnv.cleanup();
  }
  return lines;
}
