// Creating and changing reports, as /api/reports does it. Drafts are stored directly. Everything
// released (preliminary, final, amended) becomes a JSON event on the results channel: its `report`
// handler records the version in the transaction that stores the message and queues the ORU^R01
// deliveries, so a report is signed only together with the results that announce it, and the
// caller is answered after that commit.
import type { Result, SqlClient } from '../../engine/index.ts';
import { readReportContext } from './report-context.ts';
import { planReportChange, SECTION_KEYS } from './report-status.ts';
import type { ReleasedStatus, ReportSections, ReportStatus } from './report-status.ts';
import { deleteNewDraft, getReport, insertReport, saveDraft } from './report-store.ts';
import type { ReportDetail, ReportStoreError } from './report-store.ts';
import { RESULT_EVENTS } from './result-event.ts';
import type { ReportContext, ResultEvent } from './result-event.ts';

/** Who may release (sign, amend) a report. */
export const REPORT_SIGNER_ROLES: readonly string[] = ['radiologist', 'admin'];

export type ReportUser = { id: number; username: string; fullName: string | null; role: string };

/** The engine's dispatch to the results channel, narrowed to what is used here. */
export type ResultsDispatch = (
  text: string,
  source: Record<string, unknown>,
) => Promise<Result<{ messageId: number; status: string; error?: { code: string; message: string } | undefined }, { code: string; message: string }>>;

export type ReportDeps = { db: SqlClient; dispatch: ResultsDispatch; now?: () => Date };

export type ReportError =
  | ReportStoreError
  | { code: 'CHANNEL_REPORT_STUDY_NOT_FOUND'; message: string }
  | { code: 'CHANNEL_REPORT_SIGN_FORBIDDEN'; message: string }
  /** The results channel did not take the event (paused, missing) or its handler failed. */
  | { code: 'CHANNEL_REPORT_NOT_RELEASED'; message: string; cause: string };

export type ReportInput = Partial<ReportSections> & { status?: ReportStatus | undefined };

const sectionsOf = (r: ReportSections): ReportSections => ({ indication: r.indication, technique: r.technique, findings: r.findings, impression: r.impression });

/** The context kept on the report, for a study no longer in the archive. */
function contextFromReport(r: ReportDetail): ReportContext {
  return {
    patient: { id: r.patientId, issuer: r.issuerOfPatientId, name: r.patientName, birthDate: '', sex: '' },
    visit: {},
    study: { studyInstanceUid: r.studyInstanceUid, accessionNumber: r.accessionNumber, date: '', time: '', modalities: [], description: '' },
  };
}

/** The handler's refusals that mean the same as when this module finds them itself. */
type HandlerRefusal = 'CHANNEL_REPORT_NOT_FOUND' | 'CHANNEL_REPORT_CONFLICT' | 'CHANNEL_REPORT_STATUS_INVALID';
const HANDLER_REFUSALS: readonly string[] = ['CHANNEL_REPORT_NOT_FOUND', 'CHANNEL_REPORT_CONFLICT', 'CHANNEL_REPORT_STATUS_INVALID'] satisfies HandlerRefusal[];
const isHandlerRefusal = (code: string): code is HandlerRefusal => HANDLER_REFUSALS.includes(code);

/** Sends one released version through the results channel and waits for its commit. */
async function release(deps: ReportDeps, report: ReportDetail, status: ReleasedStatus, sections: ReportSections, user: ReportUser): Promise<Result<ResultEvent, ReportError>> {
  if (!REPORT_SIGNER_ROLES.includes(user.role)) {
    return { ok: false, error: { code: 'CHANNEL_REPORT_SIGN_FORBIDDEN', message: `a ${user.role} may not release a report as ${status}: radiologists and admins sign` } };
  }
  const context = (await readReportContext(deps.db, report.studyInstanceUid)) ?? contextFromReport(report);
  const releasedBy = { id: user.id, username: user.username, fullName: user.fullName };
  const event: ResultEvent = {
    event: RESULT_EVENTS[status],
    report: {
      id: report.id,
      status,
      revision: report.revision + 1,
      version: status === 'preliminary' ? report.version : report.version + 1,
      studyInstanceUid: report.studyInstanceUid,
      ...sections,
      author: report.author,
      releasedBy,
      releasedAt: (deps.now?.() ?? new Date()).toISOString(),
    },
    context,
  };
  const out = await deps.dispatch(JSON.stringify(event), { connector: 'api', user: user.username, reportId: report.id });
  if (!out.ok) {
    return { ok: false, error: { code: 'CHANNEL_REPORT_NOT_RELEASED', message: `the results channel did not take the report: ${out.error.message}`, cause: out.error.code } };
  }
  if (out.value.status === 'error') {
    const e = out.value.error;
    if (e && isHandlerRefusal(e.code)) return { ok: false, error: { code: e.code, message: e.message } };
    return {
      ok: false,
      error: { code: 'CHANNEL_REPORT_NOT_RELEASED', message: `the results channel refused the report (message ${out.value.messageId}): ${e?.message ?? 'see the message browser'}`, cause: e?.code ?? 'unknown' },
    };
  }
  return { ok: true, value: event };
}

async function reread(db: SqlClient, id: number): Promise<Result<ReportDetail, ReportError>> {
  const r = await getReport(db, id);
  return r ? { ok: true, value: r } : { ok: false, error: { code: 'CHANNEL_REPORT_NOT_FOUND', message: `no report ${id}` } };
}

/**
 * A new report for a study in the archive; Indication defaults to the order's reason. Created
 * as a draft, then released when `status` asks for it (a failed release leaves no report behind).
 */
export async function createReport(deps: ReportDeps, input: ReportInput & { studyInstanceUid: string }, user: ReportUser): Promise<Result<ReportDetail, ReportError>> {
  const context = await readReportContext(deps.db, input.studyInstanceUid);
  if (!context) {
    return { ok: false, error: { code: 'CHANNEL_REPORT_STUDY_NOT_FOUND', message: `no study ${input.studyInstanceUid} in the archive: a report is written for a stored study` } };
  }
  const status = input.status ?? 'draft';
  if (status === 'amended') return { ok: false, error: { code: 'CHANNEL_REPORT_STATUS_INVALID', message: 'a new report is draft, preliminary or final; only a final report is amended' } };
  if (status !== 'draft' && !REPORT_SIGNER_ROLES.includes(user.role)) {
    return { ok: false, error: { code: 'CHANNEL_REPORT_SIGN_FORBIDDEN', message: `a ${user.role} may not release a report: radiologists and admins sign` } };
  }
  const sections: ReportSections = { indication: '', technique: '', findings: '', impression: '' };
  for (const k of SECTION_KEYS) sections[k] = input[k] ?? '';
  if (!sections.indication.trim()) sections.indication = context.order?.reason ?? '';
  const inserted = await insertReport(deps.db, { context, sections, authorId: user.id });
  if (!inserted.ok) return inserted;
  const draft = await reread(deps.db, inserted.value.id);
  if (!draft.ok || status === 'draft') return draft;
  const released = await release(deps, draft.value, status, sections, user);
  if (!released.ok) {
    await deleteNewDraft(deps.db, draft.value.id);
    return released;
  }
  return reread(deps.db, draft.value.id);
}

/**
 * Saves a report: text changes of a draft, or a release (preliminary, final = signing, amended =
 * a correction of a signed report, which keeps the earlier version). `revision`, when sent, must
 * be the report's current one (the record the client edited).
 */
export async function updateReport(deps: ReportDeps, id: number, input: ReportInput & { revision?: number | undefined }, user: ReportUser): Promise<Result<{ report: ReportDetail; action: 'none' | 'save' | ReleasedStatus }, ReportError>> {
  const found = await reread(deps.db, id);
  if (!found.ok) return found;
  const report = found.value;
  if (input.revision !== undefined && input.revision !== report.revision) {
    return { ok: false, error: { code: 'CHANNEL_REPORT_CONFLICT', message: `report ${id} is at revision ${report.revision}, the change was made to revision ${input.revision}: reload it` } };
  }
  const plan = planReportChange({ status: report.status, sections: sectionsOf(report) }, { status: input.status, sections: input });
  if (!plan.ok) return plan;
  const change = plan.value;
  if (change.action === 'none') return { ok: true, value: { report, action: 'none' } };
  if (change.action === 'save') {
    const saved = await saveDraft(deps.db, id, report.revision, change.sections);
    if (!saved.ok) return saved;
  } else {
    const released = await release(deps, report, change.status, change.sections, user);
    if (!released.ok) return released;
  }
  const after = await reread(deps.db, id);
  if (!after.ok) return after;
  return { ok: true, value: { report: after.value, action: change.action === 'save' ? 'save' : change.status } };
}
