// The shipped channels' public surface.
export { registerChannelFunctions, shippedChannels } from './shipped-channels.ts';
export { createFhirOrderRepository } from './fhir-orders/fhir-order-repository.ts';
export { FHIR_ORDERS_CHANNEL_ID } from './fhir-orders/fhir-orders-handler.ts';
export { createProcedureStepDispatcher } from './procedure-steps/procedure-step-dispatch.ts';
export type { ProcedureStepDispatchDeps } from './procedure-steps/procedure-step-dispatch.ts';
export { createReport, REPORT_SIGNER_ROLES, updateReport } from './results/report-actions.ts';
export type { ReportDeps, ReportError, ReportInput, ReportUser, ResultsDispatch } from './results/report-actions.ts';
export { getReport, listReports, REPORT_SORTS } from './results/report-store.ts';
export type { ReportDetail, ReportQuery, ReportRecord, ReportSort, ReportVersion, UserRef } from './results/report-store.ts';
export { isReportStatus, REPORT_STATUSES } from './results/report-status.ts';
export type { ReportSections, ReportStatus } from './results/report-status.ts';
export { readReportContext } from './results/report-context.ts';
export { parseResultEvent } from './results/result-event.ts';
export type { ReportContext, ResultEvent } from './results/result-event.ts';
export { RESULTS_CHANNEL_ID } from './results/results-channel.ts';
