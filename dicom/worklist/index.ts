// The Modality Worklist store: orders and their worklist items (one per Scheduled Procedure
// Step), patients, and the history of every change, in the tables of
// appliance/migrations/0004-worklist.sql. Re-exported by dicom/index.ts; other folders import that.
export { mergeWorklistItem, missingType1Keys } from './worklist-item.ts';
export type {
  CodeItem,
  IssuerItem,
  OtherPatientId,
  PatientDemographics,
  ScheduledProcedureStep,
  WorklistItem,
  WorklistItemKey,
} from './worklist-item.ts';
export { decideStatus, isOpenStatus, isWorklistStatus, OPEN_STATUSES, rollUpStatus, WORKLIST_STATUSES } from './worklist-status.ts';
export type { StatusDecision, WorklistStatus } from './worklist-status.ts';
export { WORKLIST_FAILURES } from './worklist-error.ts';
export type { WorklistError, WorklistErrorCode } from './worklist-error.ts';
export type { OrderIdentifier, OrderRef, WorklistEvent } from './worklist-rows.ts';
export { cancelOrder, changeItemStatus, changeOrderStatus, createOrder, updateOrder } from './worklist-orders.ts';
export type { ItemOutcome, OrderInput, OrderOutcome, OrderUpdate } from './worklist-orders.ts';
export { mergePatients, updatePatient } from './worklist-patients.ts';
export type { MergeOutcome, PatientOutcome, PatientRef } from './worklist-patients.ts';
export { getWorklistItem, listWorklistItems, WORKLIST_SORTS, worklistHistory } from './worklist-queries.ts';
export type { WorklistHistoryRecord, WorklistItemRecord, WorklistItemSummary, WorklistQuery, WorklistSort } from './worklist-queries.ts';
export type { SqlClient as WorklistSqlClient } from './sql-client.ts';
export { linkProcedureStep, MPPS_FAILURES, recordProcedureStep } from './worklist-mpps.ts';
export type { LinkedOrder, LinkedStep, MppsStoreError, MppsStoreErrorCode, ProcedureStepLinks, ProcedureStepOutcome } from './worklist-mpps.ts';
