// WADO-URI (PS3.18 9, formerly Part 18 "WADO"): GET /wado?requestType=WADO&studyUID=&seriesUID=
// &objectUID=[&contentType=application/dicom|image/jpeg|image/png][&frameNumber=][&windowCenter=
// &windowWidth=][&rows=&columns=][&imageQuality=][&transferSyntax=]. The same retrieval as WADO-RS,
// one object at a time.
import type { Result } from '../../engine/index.ts';
import type { DicomwebError } from './dicomweb-error.ts';
import { parseAccept } from './media-types.ts';
import { retrieveRendered } from './wado-pixels.ts';
import { retrieveInstances } from './wado-retrieve.ts';
import type { WadoTarget } from './wado-lookup.ts';
import type { DicomWebDeps, WebRequest, WebResponse } from './web-response.ts';

export type WadoUriRequest = {
  target: Required<WadoTarget>;
  contentType: 'application/dicom' | 'image/jpeg' | 'image/png';
  transferSyntax?: string;
  frameNumber?: number;
  /** Rendering parameters in WADO-RS form (window=, viewport=, quality=). */
  render: [string, string][];
};

const invalid = (message: string): { ok: false; error: DicomwebError } => ({ ok: false, error: { code: 'DICOM_QUERY_INVALID', message } });

const KNOWN = new Set(['requestType', 'studyUID', 'seriesUID', 'objectUID', 'contentType', 'charset', 'anonymize', 'annotation', 'rows', 'columns', 'region', 'windowCenter', 'windowWidth', 'frameNumber', 'imageQuality', 'presentationUID', 'presentationSeriesUID', 'transferSyntax']);
const NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)$/;

/** Pure: the query parameters of a WADO-URI request. */
export function parseWadoUri(params: readonly (readonly [string, string])[]): Result<WadoUriRequest, DicomwebError> {
  const p = new Map<string, string>();
  for (const [k, v] of params) {
    if (!KNOWN.has(k)) return invalid(`unknown WADO-URI parameter "${k.slice(0, 40)}"`);
    if (p.has(k)) return invalid(`${k} is given more than once`);
    p.set(k, v.trim());
  }
  if (p.get('requestType') !== 'WADO') return invalid('requestType must be WADO');
  const [studyInstanceUid, seriesInstanceUid, sopInstanceUid] = ['studyUID', 'seriesUID', 'objectUID'].map((k) => p.get(k) ?? '');
  if (!studyInstanceUid || !seriesInstanceUid || !sopInstanceUid) return invalid('studyUID, seriesUID and objectUID are required');
  if (p.get('anonymize') === 'yes') return { ok: false, error: { code: 'DICOM_NOT_ACCEPTABLE', message: 'anonymize=yes is not supported' } };
  let contentType: WadoUriRequest['contentType'] | undefined;
  const asked = p.get('contentType');
  if (!asked) contentType = 'image/jpeg'; // PS3.18 9.1.2.1.4: the default for images
  else {
    for (const a of parseAccept(asked)) {
      if (a.mediaType === 'application/dicom' || a.mediaType === 'image/jpeg' || a.mediaType === 'image/png') {
        contentType = a.mediaType;
        break;
      }
      if (a.mediaType === '*/*' || a.mediaType === 'image/*') {
        contentType = 'image/jpeg';
        break;
      }
    }
    if (!contentType) return { ok: false, error: { code: 'DICOM_NOT_ACCEPTABLE', message: `contentType ${asked.slice(0, 60)}: supported are application/dicom, image/jpeg and image/png` } };
  }
  const render: [string, string][] = [];
  const wc = p.get('windowCenter');
  const ww = p.get('windowWidth');
  if ((wc === undefined) !== (ww === undefined)) return invalid('windowCenter and windowWidth go together');
  if (wc !== undefined && ww !== undefined) {
    if (!NUMBER.test(wc) || !NUMBER.test(ww)) return invalid('windowCenter and windowWidth are numbers');
    render.push(['window', `${wc},${ww}`]);
  }
  const rows = p.get('rows');
  const columns = p.get('columns');
  if (rows !== undefined || columns !== undefined) {
    if ((rows !== undefined && !/^\d{1,5}$/.test(rows)) || (columns !== undefined && !/^\d{1,5}$/.test(columns))) return invalid('rows and columns are whole numbers');
    render.push(['viewport', `${columns ?? 8192},${rows ?? 8192}`]);
  }
  const quality = p.get('imageQuality');
  if (quality !== undefined) render.push(['quality', quality]);
  const frame = p.get('frameNumber');
  if (frame !== undefined && (!/^\d{1,9}$/.test(frame) || Number(frame) < 1)) return invalid('frameNumber counts from 1');
  const ts = p.get('transferSyntax');
  return {
    ok: true,
    value: {
      target: { studyInstanceUid, seriesInstanceUid, sopInstanceUid },
      contentType,
      ...(ts ? { transferSyntax: ts } : {}),
      ...(frame ? { frameNumber: Number(frame) } : {}),
      render,
    },
  };
}

export async function wadoUri(deps: Pick<DicomWebDeps, 'db' | 'storeFor'>, req: WebRequest, params: readonly (readonly [string, string])[]): Promise<Result<WebResponse, DicomwebError>> {
  const parsed = parseWadoUri(params);
  if (!parsed.ok) return parsed;
  const w = parsed.value;
  if (w.contentType === 'application/dicom') {
    const accept = [{ multipart: false, mediaType: 'application/dicom', q: 1, ...(w.transferSyntax ? { transferSyntax: w.transferSyntax } : {}) }];
    return retrieveInstances(deps, { ...req, accept }, w.target);
  }
  return retrieveRendered(deps, { ...req, accept: [{ multipart: false, mediaType: w.contentType, q: 1 }] }, w.target, {
    kind: 'rendered',
    ...(w.frameNumber ? { frames: String(w.frameNumber) } : {}),
    params: w.render,
  });
}
