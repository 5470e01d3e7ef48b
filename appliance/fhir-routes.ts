// /fhir/R4: the FHIR R4 facade for orders. Writes (POST/PUT ServiceRequest, a transaction Bundle
// on the base) go through the fhir-orders channel, so each is a stored, searchable message applied
// to the worklist in the transaction that stores it; reads and searches answer from the worklist,
// which HL7 orders fill too. Answers are application/fhir+json; failures are OperationOutcomes
// with the status of appliance/http/error-codes.ts. Every read of patient data is audited.
// ImagingStudy (studies in the archive) and DiagnosticReport (released reports) are read and
// searched only (fhir-results-repository.ts).
import express from 'express';
import type { Request, Response } from 'express';
import { FHIR_ORDERS_CHANNEL_ID } from '../channels/index.ts';
import { getMessage } from '../engine/index.ts';
import type { Engine, ProcessingError } from '../engine/index.ts';
import {
  capabilityStatement,
  issue,
  operationOutcome,
  ORDER_CAPABILITIES,
  parseDiagnosticReportSearch,
  parseImagingStudySearch,
  parsePatientSearch,
  parseServiceRequestSearch,
  RESULT_CAPABILITIES,
  searchsetBundle,
  transactionOf,
} from '../fhir/index.ts';
import type { Bundle, FhirOrderRepository, OperationOutcome, OperationOutcomeIssue, Patient, Reference, Resource, ServiceRequest } from '../fhir/index.ts';
import { recordAudit } from './audit.ts';
import type { Role } from './auth/roles.ts';
import type { AuthenticatedUser } from './auth/tokens.ts';
import type { Database } from './database.ts';
import { DICOMWEB_PATH } from './dicomweb-routes.ts';
import { createFhirResultsRepository } from './fhir-results-repository.ts';
import { statusForError } from './http/error-codes.ts';

export const FHIR_BASE_PATH = '/fhir/R4';
const FHIR_JSON = 'application/fhir+json; charset=utf-8';

/** Who reads orders and patients: everyone who works with the images and the worklist. */
const FHIR_READERS: readonly Role[] = ['admin', 'analyst', 'radiologist', 'technician', 'referrer'];
/**
 * Who posts orders: admins, and integration analysts, whose accounts RIS/EHR interfaces use with
 * an API token (`POST /api/tokens`, then `Authorization: Bearer pacs_...`).
 */
const FHIR_WRITERS: readonly Role[] = ['admin', 'analyst'];
/** Reports a referrer may read: signed ones, as on /api/reports. */
const REFERRER_REPORT_STATUSES = ['final', 'amended'];

/** The FHIR failures the facade answers, with the issue code used when an error brings no OperationOutcome. */
const FHIR_OUTCOMES = [
  { code: 'FHIR_INVALID', issue: 'invalid' },
  { code: 'FHIR_UNPROCESSABLE', issue: 'business-rule' },
  { code: 'FHIR_NOT_FOUND', issue: 'not-found' },
  { code: 'FHIR_CONFLICT', issue: 'conflict' },
  { code: 'FHIR_NOT_SUPPORTED', issue: 'not-supported' },
] as const;

type FhirCode = (typeof FHIR_OUTCOMES)[number]['code'] | 'AUTH_FORBIDDEN' | 'CHANNEL_NOT_FOUND' | 'CHANNEL_NOT_RUNNING' | 'INTERNAL';

export type FhirRouteDeps = { db: Database; engine: Engine; repo: FhirOrderRepository; version: string };

function send(res: Response, status: number, body: Resource, headers: Record<string, string> = {}): void {
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.status(status).type(FHIR_JSON).send(JSON.stringify(body));
}

/** An OperationOutcome answer; the status comes from the code (error-codes.ts), the code is in each issue's details. */
function sendOutcome(res: Response, code: FhirCode, issues: OperationOutcomeIssue[]): void {
  const outcome = operationOutcome(issues.map((i) => ({ ...i, details: { coding: [{ system: 'urn:pacs-appliance:error-code', code }], ...(i.details?.text ? { text: i.details.text } : {}) } })));
  send(res, statusForError(code), outcome);
}

function failWith(res: Response, code: FhirCode, text: string, expression?: string): void {
  const type = FHIR_OUTCOMES.find((o) => o.code === code)?.issue ?? (code === 'AUTH_FORBIDDEN' ? 'forbidden' : code === 'INTERNAL' ? 'exception' : 'transient');
  sendOutcome(res, code, [issue(type, text, expression)]);
}

function baseUrl(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}${FHIR_BASE_PATH}`;
}

function allowed(req: Request, res: Response, roles: readonly Role[]): AuthenticatedUser | undefined {
  const user = res.locals.user as AuthenticatedUser;
  if (roles.includes(user.role)) return user;
  failWith(res, 'AUTH_FORBIDDEN', `role "${user.role}" may not ${req.method} ${FHIR_BASE_PATH}${req.path}`);
  return undefined;
}

/** The request body as JSON: FHIR clients send application/fhir+json, which arrives as text. */
function bodyJson(req: Request, res: Response): Resource | undefined {
  let value: unknown = req.body;
  if (typeof value === 'string' || Buffer.isBuffer(value)) {
    const text = value.toString();
    try {
      value = JSON.parse(text);
    } catch (err) {
      failWith(res, 'FHIR_INVALID', `the body is not JSON: ${(err as Error).message} (send application/fhir+json)`);
      return undefined;
    }
  }
  if (!value || typeof value !== 'object' || Array.isArray(value) || typeof (value as Resource).resourceType !== 'string') {
    failWith(res, 'FHIR_INVALID', 'the body is not a FHIR resource: a JSON object with resourceType is expected (send application/fhir+json)');
    return undefined;
  }
  return value as Resource;
}

function singleQuery(req: Request): Record<string, unknown> {
  // express's parser turns a[b]=c into objects: FHIR parameters are flat, keep them as sent.
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(req.originalUrl.split('?')[1] ?? '')) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

function patientIdOf(r: ServiceRequest | Patient): string | undefined {
  if (r.resourceType === 'Patient') return (r as Patient).identifier?.[0]?.value;
  return (r as ServiceRequest).subject.identifier?.value;
}

export function fhirRouter(deps: FhirRouteDeps): express.Router {
  const { db, engine, repo } = deps;
  const router = express.Router();
  router.use(express.text({ type: () => true, limit: '16mb' }));
  /** A route, labelled with its pattern for the request log and metrics. */
  const on = (method: 'get' | 'post' | 'put' | 'all', path: string, handler: (req: Request, res: Response) => unknown) =>
    router[method](path, async (req: Request, res: Response) => {
      res.locals.route = `${FHIR_BASE_PATH}${path}`;
      await handler(req, res);
    });

  on('get', '/metadata', (req, res) => {
    send(res, 200, capabilityStatement({ version: deps.version, baseUrl: baseUrl(req), date: new Date().toISOString(), resources: [...ORDER_CAPABILITIES, ...RESULT_CAPABILITIES] }));
  });

  /** A write through the fhir-orders channel; answers with the transaction-response, or the failure's OperationOutcome. */
  async function dispatch(req: Request, res: Response, user: AuthenticatedUser, text: string, interaction: string, single?: string): Promise<Bundle | undefined> {
    const r = await engine.dispatch(FHIR_ORDERS_CHANNEL_ID, { text, source: { connector: 'fhir', interaction, remoteAddress: req.ip, user: user.username } });
    if (!r.ok) {
      failWith(res, r.error.code === 'CHANNEL_NOT_FOUND' ? 'CHANNEL_NOT_FOUND' : 'CHANNEL_NOT_RUNNING', `orders cannot be taken now: ${r.error.message}`);
      return undefined;
    }
    const out = r.value;
    res.setHeader('X-Message-Id', String(out.messageId));
    const audit = (outcome: 'success' | 'failure', detail: Record<string, unknown>) =>
      recordAudit(db, { username: user.username, action: 'fhir.write', outcome, resourceType: single ?? 'Bundle', sourceIp: req.ip, detail: { interaction, messageId: out.messageId, ...detail } });
    if (out.error) {
      const e = out.error as ProcessingError & { outcome?: OperationOutcome };
      const known = FHIR_OUTCOMES.find((o) => o.code === e.code);
      const code: FhirCode = e.permanent === false || !known ? 'INTERNAL' : known.code;
      await audit('failure', { error: `${e.code}: ${e.message}` });
      const issues = e.outcome?.issue ?? [issue(known?.issue ?? 'exception', e.message)];
      // A single resource travelled as a one-entry transaction: name its elements as the client sent them.
      const named = single ? issues.map((i) => (i.expression ? { ...i, expression: i.expression.map((x) => x.replace(/^Bundle\.entry\[0\]\.resource/, single)) } : i)) : issues;
      sendOutcome(res, code, named);
      return undefined;
    }
    const msg = await getMessage(db, out.messageId);
    const response = msg?.deliveries.find((d) => d.status === 'sent' && d.response)?.response;
    if (!response) {
      failWith(res, 'INTERNAL', `message ${out.messageId} was stored (${out.status}) but the worklist gave no answer`);
      return undefined;
    }
    const bundle = JSON.parse(response) as Bundle;
    await audit('success', { entries: (bundle.entry ?? []).map((e) => e.response?.location) });
    return bundle;
  }

  /** The resource an entry's response names, as it now reads. */
  async function readLocation(location: string | undefined): Promise<Resource | undefined> {
    const [type, id] = (location ?? '').split('/');
    if (!id) return undefined;
    return type === 'Patient' ? repo.readPatient(id) : type === 'ServiceRequest' ? repo.readServiceRequest(id) : undefined;
  }

  const wantsMinimal = (req: Request) => /return=minimal/.test(req.get('prefer') ?? '');

  async function writeOne(req: Request, res: Response, method: 'POST' | 'PUT'): Promise<void> {
    const user = allowed(req, res, FHIR_WRITERS);
    if (!user) return;
    const resource = bodyJson(req, res);
    if (!resource) return;
    if (resource.resourceType !== 'ServiceRequest') return failWith(res, 'FHIR_INVALID', `the body is a ${resource.resourceType}; ${method} ${req.path} takes a ServiceRequest`, 'resourceType');
    const id = method === 'PUT' ? String(req.params.id) : undefined;
    if (id !== undefined && resource.id !== undefined && resource.id !== id) return failWith(res, 'FHIR_INVALID', `the body's id ${resource.id} differs from the URL's ${id}`, 'ServiceRequest.id');
    // POST: the server gives the id (FHIR create ignores one in the body).
    const { id: _ignored, ...body } = resource;
    const bundle = await dispatch(req, res, user, JSON.stringify(transactionOf(method === 'PUT' ? resource : (body as Resource), method, id)), `${method} ServiceRequest`, 'ServiceRequest');
    const entry = bundle?.entry?.[0]?.response;
    if (!entry) return;
    const location = `${baseUrl(req)}/${entry.location}`;
    const created = entry.status.startsWith('201');
    const headers: Record<string, string> = { Location: location, ...(entry.lastModified ? { 'Last-Modified': new Date(entry.lastModified).toUTCString() } : {}) };
    if (wantsMinimal(req)) return void res.status(created ? 201 : 200).set(headers).end();
    const now = await readLocation(entry.location);
    send(res, created ? 201 : 200, now ?? entry.outcome ?? operationOutcome([]), headers);
  }

  on('post', '/ServiceRequest', (req, res) => writeOne(req, res, 'POST'));
  on('put', '/ServiceRequest/:id', (req, res) => writeOne(req, res, 'PUT'));

  on('post', '/', async (req, res) => {
    const user = allowed(req, res, FHIR_WRITERS);
    if (!user) return;
    const resource = bodyJson(req, res);
    if (!resource) return;
    if (resource.resourceType !== 'Bundle') return failWith(res, 'FHIR_INVALID', `the base takes a transaction Bundle, not a ${resource.resourceType}`, 'resourceType');
    // The message store keeps the Bundle exactly as sent.
    const text = typeof req.body === 'string' ? req.body : JSON.stringify(resource);
    const bundle = await dispatch(req, res, user, text, 'transaction');
    if (!bundle) return;
    if (!wantsMinimal(req)) {
      for (const e of bundle.entry ?? []) {
        const now = await readLocation(e.response?.location);
        if (now) {
          e.fullUrl = `${baseUrl(req)}/${e.response!.location}`;
          e.resource = now;
        }
      }
    }
    send(res, 200, bundle);
  });

  async function read(req: Request, res: Response, type: 'Patient' | 'ServiceRequest'): Promise<void> {
    const user = allowed(req, res, FHIR_READERS);
    if (!user) return;
    const id = String(req.params.id);
    const found = type === 'Patient' ? await repo.readPatient(id) : await repo.readServiceRequest(id);
    await recordAudit(db, {
      username: user.username,
      action: 'fhir.read',
      outcome: found ? 'success' : 'failure',
      resourceType: type,
      resourceId: id,
      patientId: found ? patientIdOf(found as Patient | ServiceRequest) : undefined,
      sourceIp: req.ip,
    });
    if (!found) return failWith(res, 'FHIR_NOT_FOUND', `no ${type}/${id}`);
    send(res, 200, found, found.meta?.lastUpdated ? { 'Last-Modified': new Date(found.meta.lastUpdated).toUTCString() } : {});
  }

  async function search(req: Request, res: Response, type: 'Patient' | 'ServiceRequest'): Promise<void> {
    const user = allowed(req, res, FHIR_READERS);
    if (!user) return;
    const query = singleQuery(req);
    const parsed = type === 'Patient' ? parsePatientSearch(query) : parseServiceRequestSearch(query);
    if (!parsed.ok) return sendOutcome(res, 'FHIR_INVALID', parsed.error.issues);
    const s = parsed.value;
    const found = type === 'Patient' ? await repo.searchPatients(s) : await repo.searchServiceRequests(s as typeof s & { patient?: string[] });
    const patientIds = [...new Set(found.resources.map((r) => patientIdOf(r as Patient | ServiceRequest)).filter((x): x is string => !!x))];
    await recordAudit(db, {
      username: user.username,
      action: 'fhir.search',
      resourceType: type,
      sourceIp: req.ip,
      patientId: patientIds.length === 1 ? patientIds[0] : undefined,
      detail: { query, results: found.resources.length, total: found.total, patientIds },
    });
    const self = `${baseUrl(req)}/${type}${req.originalUrl.includes('?') ? `?${req.originalUrl.split('?')[1]}` : ''}`;
    let next: string | undefined;
    if (s.offset + s.count < found.total) {
      const params = new URLSearchParams(req.originalUrl.split('?')[1] ?? '');
      params.set('_offset', String(s.offset + s.count));
      params.set('_count', String(s.count));
      next = `${baseUrl(req)}/${type}?${params.toString()}`;
    }
    send(res, 200, searchsetBundle(found.resources, { total: found.total, self, next, baseUrl: baseUrl(req) }));
  }

  on('get', '/ServiceRequest', (req, res) => search(req, res, 'ServiceRequest'));
  on('get', '/ServiceRequest/:id', (req, res) => read(req, res, 'ServiceRequest'));
  on('get', '/Patient', (req, res) => search(req, res, 'Patient'));
  on('get', '/Patient/:id', (req, res) => read(req, res, 'Patient'));

  // Results: studies and released reports, read-only.
  const results = createFhirResultsRepository(db);
  const resultsFor = (req: Request) => results.forBase(`${req.protocol}://${req.get('host') ?? 'localhost'}${DICOMWEB_PATH}`);
  /** The Patient ID of a result's subject, for the audit trail. */
  const subjectPatient = (r: Resource) => {
    const subject = r.subject as Reference | undefined;
    return subject?.identifier?.value ?? subject?.reference;
  };

  async function readResult(req: Request, res: Response, type: 'ImagingStudy' | 'DiagnosticReport'): Promise<void> {
    const user = allowed(req, res, FHIR_READERS);
    if (!user) return;
    const id = String(req.params.id);
    const repo = resultsFor(req);
    const found =
      type === 'ImagingStudy' ? await repo.readImagingStudy(id) : await repo.readDiagnosticReport(id, user.role === 'referrer' ? REFERRER_REPORT_STATUSES : undefined);
    await recordAudit(db, {
      username: user.username,
      action: 'fhir.read',
      outcome: found ? 'success' : 'failure',
      resourceType: type,
      resourceId: id,
      patientId: found ? subjectPatient(found) : undefined,
      sourceIp: req.ip,
    });
    if (!found) return failWith(res, 'FHIR_NOT_FOUND', `no ${type}/${id}`);
    send(res, 200, found, found.meta?.lastUpdated ? { 'Last-Modified': new Date(found.meta.lastUpdated).toUTCString() } : {});
  }

  async function searchResults(req: Request, res: Response, type: 'ImagingStudy' | 'DiagnosticReport'): Promise<void> {
    const user = allowed(req, res, FHIR_READERS);
    if (!user) return;
    const query = singleQuery(req);
    const repo = resultsFor(req);
    let found: { resources: Resource[]; total: number };
    let page: { count: number; offset: number };
    if (type === 'ImagingStudy') {
      const parsed = parseImagingStudySearch(query);
      if (!parsed.ok) return sendOutcome(res, 'FHIR_INVALID', parsed.error.issues);
      page = parsed.value;
      found = await repo.searchImagingStudies(parsed.value);
    } else {
      const parsed = parseDiagnosticReportSearch(query);
      if (!parsed.ok) return sendOutcome(res, 'FHIR_INVALID', parsed.error.issues);
      const s = parsed.value;
      if (user.role === 'referrer') s.status = (s.status ?? REFERRER_REPORT_STATUSES).filter((x) => REFERRER_REPORT_STATUSES.includes(x));
      page = s;
      found = await repo.searchDiagnosticReports(s);
    }
    const patientIds = [...new Set(found.resources.map(subjectPatient).filter((x): x is string => !!x))];
    await recordAudit(db, {
      username: user.username,
      action: 'fhir.search',
      resourceType: type,
      sourceIp: req.ip,
      patientId: patientIds.length === 1 ? patientIds[0] : undefined,
      detail: { query, results: found.resources.length, total: found.total, patientIds },
    });
    const qs = req.originalUrl.split('?')[1];
    let next: string | undefined;
    if (page.offset + page.count < found.total) {
      const params = new URLSearchParams(qs ?? '');
      params.set('_offset', String(page.offset + page.count));
      params.set('_count', String(page.count));
      next = `${baseUrl(req)}/${type}?${params.toString()}`;
    }
    send(res, 200, searchsetBundle(found.resources, { total: found.total, self: `${baseUrl(req)}/${type}${qs !== undefined ? `?${qs}` : ''}`, next, baseUrl: baseUrl(req) }));
  }

  on('get', '/ImagingStudy', (req, res) => searchResults(req, res, 'ImagingStudy'));
  on('get', '/ImagingStudy/:id', (req, res) => readResult(req, res, 'ImagingStudy'));
  on('get', '/DiagnosticReport', (req, res) => searchResults(req, res, 'DiagnosticReport'));
  on('get', '/DiagnosticReport/:id', (req, res) => readResult(req, res, 'DiagnosticReport'));

  on('all', '/{*rest}', (req, res) => {
    const type = req.path.split('/')[1] ?? '';
    if (['Patient', 'ServiceRequest', 'ImagingStudy', 'DiagnosticReport'].includes(type) || req.path === '/') {
      return failWith(res, 'FHIR_NOT_SUPPORTED', `${req.method} ${FHIR_BASE_PATH}${req.path} is not supported (see ${FHIR_BASE_PATH}/metadata)`);
    }
    failWith(res, 'FHIR_NOT_FOUND', `no ${FHIR_BASE_PATH}${req.path} here: resource type ${type || '(none)'} is not served (see ${FHIR_BASE_PATH}/metadata)`);
  });
  return router;
}
