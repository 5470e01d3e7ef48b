// DICOMweb (PS3.18): QIDO-RS, WADO-RS, STOW-RS and WADO-URI as framework-free services that
// answer WebResponse values; the appliance's HTTP edge mounts them.
export { DICOMWEB_ERRORS } from './dicomweb-error.ts';
export type { DicomwebError, DicomwebErrorCode } from './dicomweb-error.ts';
export { parseAccept } from './media-types.ts';
export type { AcceptEntry } from './media-types.ts';
export { qidoSearch, QIDO_MAX_RESULTS } from './qido-service.ts';
export type { QidoLevel } from './qido-query.ts';
export { retrieveInstances, retrieveMetadata } from './wado-retrieve.ts';
export { retrieveBulkData, retrieveFrames, retrieveRendered } from './wado-pixels.ts';
export { storeInstances } from './stow-service.ts';
export { wadoUri } from './wado-uri.ts';
export type { WadoTarget } from './wado-lookup.ts';
export type { DicomWebDeps, WebAudit, WebBody, WebRequest, WebResponse } from './web-response.ts';
