// DICOMweb on the main HTTP port: QIDO-RS, WADO-RS and STOW-RS under /dicom-web (PS3.18 10) and
// WADO-URI at /wado (PS3.18 9). The services live in dicom/; this edge checks roles, negotiates
// nothing itself, answers 304 to a matching If-None-Match, gzips JSON, streams bodies with
// backpressure, records every access to patient data in the audit trail, and answers CORS for
// browser viewers served from another origin (PACS_CORS_ORIGINS).
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import {
  parseAccept,
  qidoSearch,
  retrieveBulkData,
  retrieveFrames,
  retrieveInstances,
  retrieveMetadata,
  retrieveRendered,
  storeInstances,
  wadoUri,
} from '../dicom/index.ts';
import type { DicomwebError, DicomWebDeps, QidoLevel, WadoTarget, WebAudit, WebRequest, WebResponse } from '../dicom/index.ts';
import type { Result } from '../engine/index.ts';
import { recordAudit } from './audit.ts';
import type { AuthenticatedUser } from './auth/tokens.ts';
import type { Role } from './auth/roles.ts';
import type { Database } from './database.ts';
import type { Logger } from './logger.ts';
import { sendError } from './http/api-router.ts';

/** Everyone who works with images reads them. */
const READERS: readonly Role[] = ['admin', 'radiologist', 'referrer', 'technician'];
/** Those who bring images in: technicians at the modality, admins and their machine tokens. */
const STORERS: readonly Role[] = ['admin', 'technician'];

export const DICOMWEB_PATH = '/dicom-web';
export const WADO_URI_PATH = '/wado';

type Handler = (req: Request, web: WebRequest) => Promise<Result<WebResponse, DicomwebError>>;

/** The one table from DICOMweb failures to HTTP answers. */
function sendFailure(res: Response, e: DicomwebError): void {
  switch (e.code) {
    case 'DICOM_QUERY_INVALID':
      return sendError(res, 'DICOM_QUERY_INVALID', e.message);
    case 'DICOM_STUDY_NOT_FOUND':
      return sendError(res, 'DICOM_STUDY_NOT_FOUND', e.message);
    case 'DICOM_SERIES_NOT_FOUND':
      return sendError(res, 'DICOM_SERIES_NOT_FOUND', e.message);
    case 'DICOM_INSTANCE_NOT_FOUND':
      return sendError(res, 'DICOM_INSTANCE_NOT_FOUND', e.message);
    case 'DICOM_NOT_ACCEPTABLE':
      return sendError(res, 'DICOM_NOT_ACCEPTABLE', e.message);
    case 'DICOM_MEDIA_TYPE_UNSUPPORTED':
      return sendError(res, 'DICOM_MEDIA_TYPE_UNSUPPORTED', e.message);
    case 'DICOM_BODY_INVALID':
      return sendError(res, 'DICOM_BODY_INVALID', e.message);
    case 'DICOM_FRAME_NOT_FOUND':
      return sendError(res, 'DICOM_FRAME_NOT_FOUND', e.message);
    case 'DICOM_BULKDATA_NOT_FOUND':
      return sendError(res, 'DICOM_BULKDATA_NOT_FOUND', e.message);
    case 'DICOM_INSTANCE_UNAVAILABLE':
      return sendError(res, 'DICOM_INSTANCE_UNAVAILABLE', e.message);
    default:
      return sendError(res, 'INTERNAL', `${e.code}: ${e.message}`);
  }
}

/** The query string's pairs in order, repeats kept (express's parsed req.query merges them). */
function queryPairs(req: Request): [string, string][] {
  return [...new URL(req.originalUrl, 'http://x').searchParams.entries()];
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const v = t.trim().replace(/^W\//, '');
    return v === '*' || v === etag;
  });
}

/**
 * Repeated retrievals of one study by one user (a viewer fetches hundreds of frames) are written
 * once every half minute; recordAudit itself folds repeats within a minute on the database side.
 */
class AuditThrottle {
  private readonly seen = new Map<string, number>();
  shouldRecord(key: string): boolean {
    const now = Date.now();
    const until = this.seen.get(key);
    if (until !== undefined && until > now) return false;
    if (this.seen.size >= 5000) this.seen.clear();
    this.seen.set(key, now + 30_000);
    return true;
  }
}

export type DicomWebRouterOptions = { db: Database; log: Logger; services: DicomWebDeps };

export function dicomWebRouters(o: DicomWebRouterOptions): { dicomWeb: express.Router; wado: express.Router } {
  const { db, log, services } = o;
  const throttle = new AuditThrottle();

  async function audit(ip: string | undefined, user: AuthenticatedUser, a: WebAudit): Promise<void> {
    const single = (v: string[]) => (v.length === 1 ? v[0] : undefined);
    const studyUid = single(a.studyUids);
    if (a.action === 'dicomweb.retrieve') {
      // One record per user and study a while: resource 'Study' + '.read' lets recordAudit fold repeats too.
      if (!throttle.shouldRecord(`${user.username}\0${studyUid}`)) return;
      await recordAudit(db, { username: user.username, action: 'dicomweb.study.read', resourceType: 'Study', resourceId: studyUid, patientId: single(a.patientIds), studyUid, sourceIp: ip, detail: a.detail });
      return;
    }
    await recordAudit(db, {
      username: user.username,
      action: a.action,
      patientId: single(a.patientIds),
      studyUid,
      sourceIp: ip,
      detail: { ...a.detail, patientIds: a.patientIds.slice(0, 100), studyUids: a.studyUids.slice(0, 100) },
    });
  }

  async function send(req: Request, res: Response, user: AuthenticatedUser, ip: string | undefined, r: WebResponse): Promise<void> {
    const etag = r.headers.ETag;
    if (typeof etag === 'string' && r.status === 200 && etagMatches(req.headers['if-none-match'], etag)) {
      // Still an access to patient data, answered from the client's cache.
      if (r.audit) await audit(ip, user, r.audit);
      res.status(304).setHeader('ETag', etag);
      if (r.headers['Cache-Control']) res.setHeader('Cache-Control', r.headers['Cache-Control']);
      res.end();
      return;
    }
    if (r.audit) await audit(ip, user, r.audit);
    res.status(r.status);
    for (const [k, v] of Object.entries(r.headers)) res.setHeader(k, v);
    const gzip = r.json && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? '')) && !(Buffer.isBuffer(r.body) && r.body.length < 1024);
    if (r.json) res.setHeader('Vary', 'Accept-Encoding');
    if (gzip) {
      res.setHeader('Content-Encoding', 'gzip');
      res.removeHeader('Content-Length');
    }
    if (!r.body) return void res.end();
    if (Buffer.isBuffer(r.body) && !gzip) {
      res.setHeader('Content-Length', String(r.body.length));
      return void res.end(r.body);
    }
    const source = Buffer.isBuffer(r.body) ? Readable.from([r.body]) : Readable.from(r.body, { objectMode: false });
    try {
      if (gzip) await pipeline(source, createGzip({ level: 4 }), res);
      else await pipeline(source, res);
    } catch (err) {
      // Headers are gone: the client sees the connection end before the closing boundary.
      if ((err as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') log.error({ err, reqId: res.locals.requestId }, 'DICOMweb response failed while streaming');
      res.destroy();
    }
  }

  function route(label: string, roles: readonly Role[], handler: Handler) {
    return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
      res.locals.route = label;
      const user = res.locals.user as AuthenticatedUser | undefined;
      if (!user) return sendError(res, 'AUTH_REQUIRED', 'authentication required');
      if (!roles.includes(user.role)) return sendError(res, 'AUTH_FORBIDDEN', `role "${user.role}" may not ${req.method} ${label}`);
      const accept = parseAccept(typeof req.headers.accept === 'string' ? req.headers.accept : undefined, new URL(req.originalUrl, 'http://x').searchParams.get('accept') ?? undefined);
      const ip = req.ip; // read before a STOW body is consumed
      const web: WebRequest = { base: `${req.protocol}://${req.get('host') ?? 'localhost'}${DICOMWEB_PATH}`, accept };
      try {
        const r = await handler(req, web);
        if (!r.ok) {
          req.resume(); // a refused upload: let the rest of the body drain
          return sendFailure(res, r.error);
        }
        try {
          await send(req, res, user, ip, r.value);
        } finally {
          await r.value.dispose?.();
        }
      } catch (err) {
        next(err);
      }
    };
  }

  const p = (req: Request, name: string) => String((req.params as Record<string, string>)[name]);
  const target = (req: Request): WadoTarget => ({
    studyInstanceUid: p(req, 'study'),
    ...(req.params.series ? { seriesInstanceUid: p(req, 'series') } : {}),
    ...(req.params.instance ? { sopInstanceUid: p(req, 'instance') } : {}),
  });
  const search = (level: QidoLevel): Handler => (req, web) =>
    qidoSearch(services, web, level, { ...(req.params.study ? { studyInstanceUid: p(req, 'study') } : {}), ...(req.params.series ? { seriesInstanceUid: p(req, 'series') } : {}) }, queryPairs(req));

  const r = express.Router();
  const S = '/studies/:study';
  const SE = `${S}/series/:series`;
  const I = `${SE}/instances/:instance`;
  const label = (path: string) => DICOMWEB_PATH + path.replace(/:(\w+)/g, '{$1}').replace('*path', '{path}');

  // QIDO-RS
  r.get('/studies', route(label('/studies'), READERS, search('STUDY')));
  r.get('/series', route(label('/series'), READERS, search('SERIES')));
  r.get('/instances', route(label('/instances'), READERS, search('IMAGE')));
  r.get(`${S}/series`, route(label(`${S}/series`), READERS, search('SERIES')));
  r.get(`${S}/instances`, route(label(`${S}/instances`), READERS, search('IMAGE')));
  r.get(`${SE}/instances`, route(label(`${SE}/instances`), READERS, search('IMAGE')));

  // WADO-RS
  for (const path of [S, SE, I]) {
    r.get(path, route(label(path), READERS, (req, web) => retrieveInstances(services, web, target(req))));
    r.get(`${path}/metadata`, route(label(`${path}/metadata`), READERS, (req, web) => retrieveMetadata(services, web, target(req))));
    r.get(`${path}/thumbnail`, route(label(`${path}/thumbnail`), READERS, (req, web) => retrieveRendered(services, web, target(req), { kind: 'thumbnail', params: queryPairs(req) })));
  }
  r.get(`${I}/frames/:frames`, route(label(`${I}/frames/:frames`), READERS, (req, web) => retrieveFrames(services, web, target(req), p(req, 'frames'))));
  r.get(`${I}/bulkdata/*path`, route(label(`${I}/bulkdata/*path`), READERS, (req, web) => retrieveBulkData(services, web, target(req), (req.params as unknown as { path: string[] }).path)));
  r.get(`${I}/rendered`, route(label(`${I}/rendered`), READERS, (req, web) => retrieveRendered(services, web, target(req), { kind: 'rendered', params: queryPairs(req) })));
  for (const kind of ['rendered', 'thumbnail'] as const) {
    r.get(`${I}/frames/:frames/${kind}`, route(label(`${I}/frames/:frames/${kind}`), READERS, (req, web) => retrieveRendered(services, web, target(req), { kind, frames: p(req, 'frames'), params: queryPairs(req) })));
  }

  // STOW-RS
  // The body is read without destroying the request when the reader stops early (the answer still has to go out on it).
  const stow: Handler = (req, web) =>
    storeInstances(services, web, req.headers['content-type'], req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>, req.params.study ? p(req, 'study') : undefined);
  r.post('/studies', route(label('/studies'), STORERS, stow));
  r.post(S, route(label(S), STORERS, stow));

  const wado = express.Router();
  wado.get('/', route(WADO_URI_PATH, READERS, (req, web) => wadoUri(services, web, queryPairs(req))));

  return { dicomWeb: r, wado };
}

/**
 * CORS for DICOMweb (mounted before authentication, so a browser's preflight gets through): the
 * configured origins may send Accept, Authorization and the conditional headers, and read the
 * headers a viewer needs. With `*` any origin may, without cookies; named origins may send them.
 */
export function dicomWebCors(origins: readonly string[]): express.RequestHandler {
  const any = origins.includes('*');
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (!origin || (!any && !origins.includes(origin))) return next();
    res.setHeader('Access-Control-Allow-Origin', any ? '*' : origin);
    if (!any) {
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.append('Vary', 'Origin');
    }
    res.setHeader('Access-Control-Expose-Headers', 'Content-Type, Content-Length, Content-Encoding, ETag, Warning, X-Request-Id');
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
      res.setHeader('Access-Control-Allow-Methods', 'GET, HEAD, POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'Accept, Authorization, Content-Type, If-None-Match, If-Modified-Since, X-Requested-With');
      res.setHeader('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    next();
  };
}
