// The standards-mappings.md 2.4 example resources and what they map to (checked-in files, so a
// diff shows what changed), and the mapping context the tests share.
import { readFileSync } from 'node:fs';
import type { Patient, ServiceRequest } from '../fhir-types.ts';
import type { ServiceRequestContext } from '../service-request-to-order.ts';
import type { MwlOrder, MwlPatient } from '../worklist-shapes.ts';

const read = <T>(name: string): T => JSON.parse(readFileSync(new URL(`./${name}`, import.meta.url), 'utf8')) as T;

export const patient24 = (): Patient => read('patient-2.4.json');
export const serviceRequest24 = (): ServiceRequest => read('service-request-2.4.json');
export const patient24Worklist = (): MwlPatient => read('patient-2.4.worklist.json');
export const serviceRequest24Worklist = (): MwlOrder => read('service-request-2.4.worklist.json');

/** Modality table as the shipped worklist-tables.yaml has it for CT/MR; no station rules unless given. */
export function context(over: Partial<ServiceRequestContext> = {}): ServiceRequestContext {
  return {
    patient: patient24Worklist(),
    timeZone: 'Europe/Berlin',
    now: () => new Date('2025-03-01T07:00:00Z'),
    newUid: () => '2.25.1',
    modalityFor: (code, scheme) => {
      const table: Record<string, string> = { CT: 'CT', MR: 'MR', RX: 'CR' };
      if (table[code]) return { modality: table[code]!, defaulted: false };
      return scheme === 'DCM' && /^[A-Z]{2,3}$/.test(code) ? { modality: code, defaulted: false } : undefined;
    },
    routeStation: () => undefined,
    ...over,
  };
}
