// What the message store, the admin UI's message list and the channel router need to know about
// a message without understanding its type.
import type { Hl7Message } from '@medplum/core';
import { getValue } from './hl7-path.ts';

export type Hl7Metadata = {
  /** MSH-9.1^MSH-9.2, e.g. 'ORM^O01' ('ACK' alone when there is no trigger event). */
  messageType: string;
  /** MSH-9.3, e.g. 'OMI_O23' (v2.3.1 and later, when sent). */
  messageStructure?: string;
  /** MSH-10. */
  controlId: string;
  /** MSH-12.1, e.g. '2.3.1'. */
  version: string;
  /** MSH-3.1 (HD namespace ID), or MSH-3.2 (universal ID) when only that is sent. */
  sendingApplication: string;
  /** MSH-4.1, or MSH-4.2 when only that is sent. */
  sendingFacility: string;
  /** PID-3.1 of the first repetition. */
  patientId?: string;
  /** PID-5 of the first repetition as family^given^further given (XPN.1.1, .2, .3; empty tail dropped). */
  patientName?: string;
  /**
   * Accession number, per standards-mappings.md 1.3: IPC-1.1 when there is an IPC segment
   * (OMI^O23, v2.5.1 SWF.b), else OBR-18 of the first OBR (ORM^O01 v2.3.1, IHE "Placer Field 1";
   * also ORU^R01, 6.3: "OBR-18 carries the accession in ORU because ORU has no IPC"). Never
   * ORC-2/OBR-2: the placer order number is a different identifier ((0040,2016), 1.3).
   */
  accession?: string;
  /** ORC-1 of the first ORC (table 0119: NW, XO, CA, DC, SC, …). */
  orderControl?: string;
};

export function messageMetadata(msg: Hl7Message): Hl7Metadata {
  const type = getValue(msg, 'MSH-9.1');
  const trigger = getValue(msg, 'MSH-9.2');
  const metadata: Hl7Metadata = {
    messageType: trigger ? `${type}^${trigger}` : type,
    controlId: getValue(msg, 'MSH-10'),
    version: getValue(msg, 'MSH-12.1'),
    sendingApplication: getValue(msg, 'MSH-3.1') || getValue(msg, 'MSH-3.2'),
    sendingFacility: getValue(msg, 'MSH-4.1') || getValue(msg, 'MSH-4.2'),
  };
  const optional: [keyof Hl7Metadata, string][] = [
    ['messageStructure', getValue(msg, 'MSH-9.3')],
    ['patientId', getValue(msg, 'PID-3.1')],
    ['patientName', patientName(msg)],
    ['accession', msg.getSegment('IPC') ? getValue(msg, 'IPC-1.1') : getValue(msg, 'OBR-18.1')],
    ['orderControl', getValue(msg, 'ORC-1')],
  ];
  for (const [key, value] of optional) if (value !== '') Object.assign(metadata, { [key]: value });
  return metadata;
}

function patientName(msg: Hl7Message): string {
  const parts = [getValue(msg, 'PID-5.1.1'), getValue(msg, 'PID-5.2'), getValue(msg, 'PID-5.3')];
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts.join('^');
}
