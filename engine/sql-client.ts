// The database access the engine needs, declared here by its user; the appliance's PGlite and
// PostgreSQL implementations fit it structurally.
export type QueryResult<T> = { rows: T[]; rowCount: number };

/** `name` makes a hot statement a prepared one on PostgreSQL (parsed and planned once per connection). */
export type QueryOptions = { name?: string };

export interface SqlClient {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[], opts?: QueryOptions): Promise<QueryResult<T>>;
}

export interface SqlDatabase extends SqlClient {
  readonly kind: 'pglite' | 'postgres';
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>;
}
