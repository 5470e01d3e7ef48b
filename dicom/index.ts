// The DICOM folder's public surface: the DIMSE listener and its services, the archive's storage
// tiers and ingest, and the study index's queries. Other folders import this file only.
export { DICOM_ERRORS } from './dicom-error.ts';
export type { DicomError, DicomErrorCode } from './dicom-error.ts';
export { firstText } from './dicom-json.ts';
export type { DicomJson, DicomJsonElement, DicomJsonValue, PersonNameValue } from './dicom-json.ts';
export { SopClass, isStorageSopClass } from './sop-classes.ts';
export { TransferSyntax } from './transfer-syntaxes.ts';

export { DicomListener } from './dimse/dimse-listener.ts';
export type { BoundAddress, DicomListenerOptions } from './dimse/dimse-listener.ts';
export type { AssociationInfo, DimseAnswer, DimseService, EchoService, FindAnswer, FindRequest, FindService, NormalizedAnswer, NormalizedRequest, NormalizedService, RetrieveAnswer, RetrieveProgress, RetrieveRequest, RetrieveService, StoreReception, StoreService, StoreStart, StoreTarget, SubOperationInstance } from './dimse/dimse-service.ts';
export { DimseStatus } from './dimse/dimse-status.ts';
export { createEchoScp } from './dimse/c-echo-scp.ts';
export { createStoreScp } from './dimse/c-store-scp.ts';
export type { StoreScpOptions } from './dimse/c-store-scp.ts';
export { createFindScp } from './dimse/c-find-scp.ts';
export type { FindScpOptions } from './dimse/c-find-scp.ts';
export { createMoveScp } from './dimse/c-move-scp.ts';
export type { MoveScpOptions } from './dimse/c-move-scp.ts';
export { createGetScp } from './dimse/c-get-scp.ts';
export type { GetScpOptions } from './dimse/c-get-scp.ts';
export { RetrieveStatus } from './dimse/retrieve-scp.ts';
export { createPeer, deletePeer, findPeerByAeTitle, getPeer, listPeers, NOT_AUTHORIZED, PEER_FAILURES, PEER_SORTS, PeerDirectory, restrictFind, restrictStore, seedPeers, updatePeer } from './peers/index.ts';
export type { Peer, PeerChanges, PeerError, PeerInput, PeerListQuery, PeerPermissions, PeerSort, PeerSource, SeedOutcome, SeedPeer } from './peers/index.ts';
export { createMppsScp, MPPS_DIMSE_STATUS, mppsFailureAnswer } from './dimse/mpps-scp.ts';
export type { MppsErrorCode, MppsScpOptions, MppsStepFailure, MppsStepResult } from './dimse/mpps-scp.ts';
export { isFinalStepStatus, MPPS_REQUEST_FAILURES, mppsCreateEvent, mppsSetEvent, PPS_STATUSES } from './dimse/mpps-scp-event.ts';
export type { CodedValue, MppsEvent, MppsRequestError, MppsRequestErrorCode, PerformedStepStatus, ScheduledStepRef } from './dimse/mpps-scp-event.ts';
export { createWorklistFindScp } from './dimse/mwl-find-scp.ts';
export { createStorageCommitmentScp } from './dimse/storage-commitment-scp.ts';
export type { CommitmentPeers, StorageCommitmentScp, StorageCommitmentScpOptions } from './dimse/storage-commitment-scp.ts';

export { FilesystemBlobStore } from './storage/filesystem-blob-store.ts';
export type { BlobStore, CommitResult, StagedBlob } from './storage/blob-store.ts';
export { InstanceIngest } from './ingest/ingest-instance.ts';
export type { IngestDeps, InstanceStoredEvent } from './ingest/ingest-instance.ts';

export type { IndexDb } from './study-index/index-db.ts';
export { indexInstance } from './study-index/index-instance.ts';
export type { IndexEntry, IndexOutcome } from './study-index/index-instance.ts';
export { searchStudyIndex } from './study-index/search-index.ts';
export { StudyStabilityWatcher } from './study-index/study-stability.ts';
export type { StudyStableEvent, StudyStabilityOptions } from './study-index/study-stability.ts';
export type { IndexMatch } from './study-index/search-index.ts';
export { matchesQuery } from './query/query-match.ts';
export type { QueryRecord } from './query/query-match.ts';
export type { InstanceAttributes } from './parse/instance-metadata.ts';
export { getInstance, getSeries, getStudy, INSTANCE_SORTS, listInstances, listSeries, listStudies, SERIES_SORTS, setSeriesNote, STUDY_SORTS } from './study-index/study-lists.ts';
export type { InstanceRecord, InstanceSort, Page, PatientSummary, SeriesRecord, SeriesSort, StudyRecord, StudySort } from './study-index/study-lists.ts';
export { parseListFilter } from './query/parse-list-filter.ts';
export { parseFindIdentifier } from './query/parse-find-identifier.ts';
export type { InformationModel } from './query/parse-find-identifier.ts';
export type { Condition, Matcher, SortOrder, StudyQuery } from './query/study-query.ts';
export type { QueryLevel } from './query/query-attributes.ts';
export { cancelOrder, changeItemStatus, changeOrderStatus, createOrder, decideStatus, getWorklistItem, isOpenStatus, isWorklistStatus, listWorklistItems, mergePatients, mergeWorklistItem, missingType1Keys, OPEN_STATUSES, rollUpStatus, updateOrder, updatePatient, WORKLIST_FAILURES, WORKLIST_SORTS, WORKLIST_STATUSES, worklistHistory } from './worklist/index.ts';
export type { CodeItem, IssuerItem, ItemOutcome, MergeOutcome, OrderIdentifier, OrderInput, OrderOutcome, OrderRef, OrderUpdate, OtherPatientId, PatientDemographics, PatientOutcome, PatientRef, ScheduledProcedureStep, StatusDecision, WorklistError, WorklistErrorCode, WorklistEvent, WorklistHistoryRecord, WorklistItem, WorklistItemKey, WorklistItemRecord, WorklistItemSummary, WorklistQuery, WorklistSort, WorklistSqlClient, WorklistStatus } from './worklist/index.ts';
export { linkProcedureStep, MPPS_FAILURES, recordProcedureStep } from './worklist/index.ts';
export type { LinkedOrder, LinkedStep, MppsStoreError, MppsStoreErrorCode, ProcedureStepLinks, ProcedureStepOutcome } from './worklist/index.ts';

export { DICOMWEB_ERRORS, parseAccept, QIDO_MAX_RESULTS, qidoSearch, retrieveBulkData, retrieveFrames, retrieveInstances, retrieveMetadata, retrieveRendered, storeInstances, wadoUri } from './dicomweb/index.ts';
export type { AcceptEntry, DicomwebError, DicomwebErrorCode, DicomWebDeps, QidoLevel, WadoTarget, WebAudit, WebBody, WebRequest, WebResponse } from './dicomweb/index.ts';
