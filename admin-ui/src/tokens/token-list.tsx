// The current user's API tokens. The server returns all of them (a user has few), unsorted by the UI.
import { DataTable, DateField, DeleteButton, List } from 'react-admin';
import type { ApiToken } from '../api-records';

export function TokenList() {
  return (
    <List<ApiToken> pagination={false} exporter={false} title="API tokens">
      <DataTable<ApiToken> rowClick={false} bulkActionButtons={false}>
        <DataTable.Col source="name" disableSort />
        <DataTable.Col source="createdAt" label="Created" disableSort>
          <DateField source="createdAt" showTime />
        </DataTable.Col>
        <DataTable.Col source="expiresAt" label="Expires" disableSort>
          <DateField source="expiresAt" showTime emptyText="never" />
        </DataTable.Col>
        <DataTable.Col source="lastUsedAt" label="Last used" disableSort>
          <DateField source="lastUsedAt" showTime emptyText="never" />
        </DataTable.Col>
        <DataTable.Col label="" disableSort>
          <DeleteButton
            label="Revoke"
            mutationMode="pessimistic"
            confirmTitle="Revoke this API token?"
            confirmContent="Programs that use it will be refused from now on."
          />
        </DataTable.Col>
      </DataTable>
    </List>
  );
}
