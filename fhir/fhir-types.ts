// The FHIR R4 (4.0.1) elements the facade reads and writes, typed here because @medplum/core's
// declarations name @medplum/fhirtypes, which the appliance does not install. Only what the
// mappings touch is listed; a resource as received may hold more (validated, then kept as JSON).

export type Coding = { system?: string; version?: string; code?: string; display?: string; userSelected?: boolean };
export type CodeableConcept = { coding?: Coding[]; text?: string };
export type Period = { start?: string; end?: string };
export type Reference = { reference?: string; type?: string; identifier?: Identifier; display?: string };
export type Identifier = {
  use?: string;
  type?: CodeableConcept;
  system?: string;
  value?: string;
  period?: Period;
  assigner?: Reference;
};
export type HumanName = { use?: string; text?: string; family?: string; given?: string[]; prefix?: string[]; suffix?: string[] };
export type Annotation = { text: string; authorString?: string; time?: string };
export type Meta = { versionId?: string; lastUpdated?: string; profile?: string[]; source?: string };
export type Narrative = { status: string; div: string };

/** Any resource: its type, id and whatever else it carries. */
export type Resource = { resourceType: string; id?: string; meta?: Meta; [element: string]: unknown };

export type Patient = Resource & {
  resourceType: 'Patient';
  identifier?: Identifier[];
  active?: boolean;
  name?: HumanName[];
  gender?: 'male' | 'female' | 'other' | 'unknown';
  birthDate?: string;
  link?: { other: Reference; type: 'replaced-by' | 'replaces' | 'refer' | 'seealso' }[];
};

export type ServiceRequestStatus = 'draft' | 'active' | 'on-hold' | 'revoked' | 'completed' | 'entered-in-error' | 'unknown';
export type ServiceRequestIntent = 'proposal' | 'plan' | 'directive' | 'order' | 'original-order' | 'reflex-order' | 'filler-order' | 'instance-order' | 'option';
export type ServiceRequestPriority = 'routine' | 'urgent' | 'asap' | 'stat';

export type ServiceRequest = Resource & {
  resourceType: 'ServiceRequest';
  contained?: Resource[];
  identifier?: Identifier[];
  status: ServiceRequestStatus;
  intent: ServiceRequestIntent;
  category?: CodeableConcept[];
  priority?: ServiceRequestPriority;
  code?: CodeableConcept;
  orderDetail?: CodeableConcept[];
  subject: Reference;
  encounter?: Reference;
  occurrenceDateTime?: string;
  occurrencePeriod?: Period;
  occurrenceTiming?: { event?: string[] };
  authoredOn?: string;
  requester?: Reference;
  performerType?: CodeableConcept;
  performer?: Reference[];
  locationCode?: CodeableConcept[];
  locationReference?: Reference[];
  reasonCode?: CodeableConcept[];
  note?: Annotation[];
  patientInstruction?: string;
};

export type BundleEntry = {
  fullUrl?: string;
  resource?: Resource;
  request?: { method: string; url: string; ifNoneExist?: string; ifMatch?: string };
  response?: { status: string; location?: string; etag?: string; lastModified?: string; outcome?: OperationOutcome };
  search?: { mode?: 'match' | 'include' | 'outcome' };
};

export type Bundle = Resource & {
  resourceType: 'Bundle';
  type: string;
  total?: number;
  link?: { relation: string; url: string }[];
  entry?: BundleEntry[];
};

export type IssueSeverity = 'fatal' | 'error' | 'warning' | 'information';

/** OperationOutcome.issue.code (R4 issue-type), the ones the facade uses. */
export type IssueType =
  | 'invalid'
  | 'structure'
  | 'required'
  | 'value'
  | 'invariant'
  | 'security'
  | 'login'
  | 'forbidden'
  | 'processing'
  | 'not-supported'
  | 'duplicate'
  | 'not-found'
  | 'conflict'
  | 'business-rule'
  | 'transient'
  | 'exception'
  | 'informational';

export type OperationOutcomeIssue = {
  severity: IssueSeverity;
  code: IssueType;
  details?: CodeableConcept;
  diagnostics?: string;
  expression?: string[];
};

export type OperationOutcome = Resource & { resourceType: 'OperationOutcome'; issue: OperationOutcomeIssue[] };
