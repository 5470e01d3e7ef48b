// The audit trail, newest first. The server sorts by time only, so the other columns are not sortable.
import { DataTable, DateField, DateTimeInput, List, TextInput, useRecordContext } from 'react-admin';
import type { AuditEvent } from '../api-records';

const filters = [
  <TextInput key="username" source="username" alwaysOn />,
  <TextInput key="action" source="action" helperText="* matches anything, e.g. user.*" />,
  <TextInput key="patientId" source="patientId" label="Patient ID" />,
  <TextInput key="studyUid" source="studyUid" label="Study UID" />,
  <DateTimeInput key="from" source="from" label="From" />,
  <DateTimeInput key="to" source="to" label="Until" />,
];

function AuditDetail() {
  const event = useRecordContext<AuditEvent>();
  return <pre style={{ margin: 0 }}>{JSON.stringify(event?.detail, null, 2)}</pre>;
}

const resource = (event: AuditEvent) => (event.resourceType ? `${event.resourceType} ${event.resourceId ?? ''}` : '');

export function AuditList() {
  return (
    <List<AuditEvent> filters={filters} sort={{ field: 'at', order: 'DESC' }} perPage={50}>
      <DataTable<AuditEvent> rowClick={false} bulkActionButtons={false} expand={<AuditDetail />} isRowExpandable={(event) => event.detail != null}>
        <DataTable.Col source="at" label="Time">
          <DateField source="at" showTime />
        </DataTable.Col>
        <DataTable.Col source="username" disableSort />
        <DataTable.Col source="action" disableSort />
        <DataTable.Col source="outcome" disableSort />
        <DataTable.Col label="Resource" disableSort render={resource} />
        <DataTable.Col source="patientId" label="Patient ID" disableSort />
        <DataTable.Col source="studyUid" label="Study UID" disableSort />
        <DataTable.Col source="sourceIp" label="Source IP" disableSort />
      </DataTable>
    </List>
  );
}
