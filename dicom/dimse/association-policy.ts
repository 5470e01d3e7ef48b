// Association negotiation as a pure decision (PS3.8 9.3.3): which presentation contexts to accept
// and with which transfer syntax, given the services the listener runs, and which SCP/SCU roles
// (PS3.7 D.3.3.4) to grant.
import type { DimseService } from './dimse-service.ts';

/** `scuRole`/`scpRole`: the requester's SCP/SCU Role Selection for the context's SOP class, when it sent one. */
export type ProposedContext = { id: number; abstractSyntax: string; transferSyntaxes: readonly string[]; scuRole?: boolean; scpRole?: boolean };

/** The roles answered for a context whose SOP class had a role selection proposed: true grants the role proposed. */
export type RoleAnswer = { scu: boolean; scp: boolean };

export type ContextDecision =
  | { id: number; result: 'accept'; transferSyntax: string; service: DimseService; roles?: RoleAnswer }
  | { id: number; result: 'abstract-syntax-not-supported' | 'transfer-syntaxes-not-supported'; roles?: RoleAnswer };

/** The service for a SOP class: the first that handles it (services are built not to overlap; see the test). */
export function serviceFor<S extends DimseService>(services: readonly S[], sopClassUid: string): S | undefined {
  return services.find((s) => s.handles(sopClassUid));
}

export function negotiate(contexts: readonly ProposedContext[], services: readonly DimseService[]): ContextDecision[] {
  const decisions: ContextDecision[] = contexts.map((c) => {
    const service = serviceFor(services, c.abstractSyntax);
    if (!service) return { id: c.id, result: 'abstract-syntax-not-supported' as const };
    const ts = service.chooseTransferSyntax(c.transferSyntaxes);
    return ts ? { id: c.id, result: 'accept' as const, transferSyntax: ts, service } : { id: c.id, result: 'transfer-syntaxes-not-supported' as const };
  });
  // A C-GET requester receives the instances as the storage SCP on its own association, so it
  // proposes the SCP role for the storage classes (PS3.4 C.4.3.1.3): granted when a C-GET context
  // is accepted, refused otherwise. The SCU role (the default one) is granted as proposed.
  const getAccepted = decisions.some((d) => d.result === 'accept' && d.service.kind === 'C-GET');
  return decisions.map((d, i) => {
    const c = contexts[i]!;
    if (c.scuRole === undefined && c.scpRole === undefined) return d;
    const storage = d.result === 'accept' && d.service.kind === 'C-STORE';
    return { ...d, roles: { scu: c.scuRole === true, scp: c.scpRole === true && storage && getAccepted } };
  });
}

/** AE titles compare without their space padding (PS3.5 6.2: leading and trailing spaces are not significant). */
export function sameAeTitle(a: string, b: string): boolean {
  return a.trim() === b.trim();
}
