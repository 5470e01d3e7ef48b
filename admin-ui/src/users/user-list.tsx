import { BooleanField, DataTable, DateField, List, NullableBooleanInput, SearchInput, SelectField, SelectInput } from 'react-admin';
import type { User } from '../api-records';
import { ROLE_CHOICES } from '../roles';

const filters = [
  <SearchInput key="q" source="q" alwaysOn />,
  <SelectInput key="role" source="role" choices={ROLE_CHOICES} />,
  <NullableBooleanInput key="disabled" source="disabled" />,
];

export function UserList() {
  return (
    <List<User> filters={filters} sort={{ field: 'username', order: 'ASC' }}>
      <DataTable<User> rowClick="edit" bulkActionButtons={false}>
        <DataTable.Col source="username" />
        <DataTable.Col source="fullName" label="Full name" />
        <DataTable.Col source="role">
          <SelectField source="role" choices={ROLE_CHOICES} />
        </DataTable.Col>
        <DataTable.Col source="disabled">
          <BooleanField source="disabled" FalseIcon={null} />
        </DataTable.Col>
        <DataTable.Col source="createdAt" label="Created">
          <DateField source="createdAt" showTime />
        </DataTable.Col>
      </DataTable>
    </List>
  );
}
