// What a mapping found wrong or changed, as OperationOutcome issues: errors refuse the request
// (422 with every error), warnings (a value cut to its VR, a default used) travel with the answer.
import type { IssueType, OperationOutcomeIssue } from './fhir-types.ts';

export class MappingIssues {
  readonly all: OperationOutcomeIssue[] = [];

  error(code: IssueType, expression: string, text: string): void {
    this.all.push({ severity: 'error', code, diagnostics: text, expression: [expression] });
  }

  warn(expression: string, text: string, code: IssueType = 'informational'): void {
    this.all.push({ severity: 'warning', code, diagnostics: text, expression: [expression] });
  }

  get errors(): OperationOutcomeIssue[] {
    return this.all.filter((i) => i.severity === 'error');
  }

  get warnings(): OperationOutcomeIssue[] {
    return this.all.filter((i) => i.severity === 'warning');
  }
}
