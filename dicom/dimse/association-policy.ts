// Association negotiation as a pure decision (PS3.8 9.3.3): which presentation contexts to accept
// and with which transfer syntax, given the services the listener runs.
import type { DimseService } from './dimse-service.ts';

export type ProposedContext = { id: number; abstractSyntax: string; transferSyntaxes: readonly string[] };

export type ContextDecision =
  | { id: number; result: 'accept'; transferSyntax: string; service: DimseService }
  | { id: number; result: 'abstract-syntax-not-supported' | 'transfer-syntaxes-not-supported' };

/** The service for a SOP class: the first that handles it (services are built not to overlap; see the test). */
export function serviceFor<S extends DimseService>(services: readonly S[], sopClassUid: string): S | undefined {
  return services.find((s) => s.handles(sopClassUid));
}

export function negotiate(contexts: readonly ProposedContext[], services: readonly DimseService[]): ContextDecision[] {
  return contexts.map((c) => {
    const service = serviceFor(services, c.abstractSyntax);
    if (!service) return { id: c.id, result: 'abstract-syntax-not-supported' as const };
    const ts = service.chooseTransferSyntax(c.transferSyntaxes);
    return ts ? { id: c.id, result: 'accept' as const, transferSyntax: ts, service } : { id: c.id, result: 'transfer-syntaxes-not-supported' as const };
  });
}

/** AE titles compare without their space padding (PS3.5 6.2: leading and trailing spaces are not significant). */
export function sameAeTitle(a: string, b: string): boolean {
  return a.trim() === b.trim();
}
