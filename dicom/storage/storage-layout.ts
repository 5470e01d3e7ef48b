// Where an instance lives in a tier: <bucket>/<StudyInstanceUID>/<SeriesInstanceUID>/<SOPInstanceUID>.dcm.
// The bucket (two hex digits of the study UID's SHA-1) spreads studies over 256 folders so that no
// folder grows to millions of entries. UIDs are checked to be digits and dots before they get here.
import { createHash } from 'node:crypto';

const UID = /^[0-9]+(\.[0-9]+)*$/;

export function instanceKey(studyUid: string, seriesUid: string, sopInstanceUid: string): string {
  for (const uid of [studyUid, seriesUid, sopInstanceUid]) {
    if (!UID.test(uid) || uid.length > 64) throw new Error(`not a UID: ${JSON.stringify(uid.slice(0, 70))}`);
  }
  const bucket = createHash('sha1').update(studyUid).digest('hex').slice(0, 2);
  return `${bucket}/${studyUid}/${seriesUid}/${sopInstanceUid}.dcm`;
}
