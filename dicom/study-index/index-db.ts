// The database access the study index needs, declared by its user (the appliance's PGlite and
// PostgreSQL clients fit it structurally). `name` prepares a hot statement once per connection.
export type IndexQueryResult<T> = { rows: T[]; rowCount: number };

export interface IndexDb {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[], opts?: { name?: string }): Promise<IndexQueryResult<T>>;
}
