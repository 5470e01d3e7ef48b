// Channel alerts (errors or queue depths over their thresholds), newest first; open ones by default.
import { BooleanInput, DataTable, DateField, List } from 'react-admin';
import type { Alert } from '../api-records';
import { AcknowledgeButton } from './acknowledge-button';

const filters = [<BooleanInput key="open" source="open" label="Open only" alwaysOn />];

const acknowledged = (a: Alert) => (a.acknowledgedAt ? `${new Date(a.acknowledgedAt).toLocaleString()} by ${a.acknowledgedBy ?? '?'}` : '');

export function AlertList() {
  // The server sorts by id (newest first) only.
  return (
    <List<Alert> filters={filters} filterDefaultValues={{ open: true }} sort={{ field: 'id', order: 'DESC' }} perPage={50} exporter={false}>
      <DataTable<Alert> rowClick={false} bulkActionButtons={false}>
        <DataTable.Col source="at" label="Time" disableSort>
          <DateField source="at" showTime />
        </DataTable.Col>
        <DataTable.Col source="channelId" label="Channel" disableSort />
        <DataTable.Col source="destinationId" label="Destination" disableSort />
        <DataTable.Col source="kind" disableSort />
        <DataTable.Col source="message" disableSort />
        <DataTable.Col<Alert> label="Value / threshold" align="right" disableSort render={(a) => `${a.value} / ${a.threshold}`} />
        <DataTable.Col<Alert> label="Acknowledged" disableSort render={acknowledged} />
        <DataTable.Col label="" disableSort render={() => <AcknowledgeButton />} />
      </DataTable>
    </List>
  );
}
