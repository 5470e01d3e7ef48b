// The database access the worklist needs, declared here by its user (style.md "Boundaries"); the
// appliance's PGlite and PostgreSQL clients, and the engine's transaction client a sync
// destination handler receives, fit it structurally.
export type SqlQueryResult<T> = { rows: T[]; rowCount: number };

export interface SqlClient {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<SqlQueryResult<T>>;
}
