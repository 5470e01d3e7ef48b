// The message browser's filters, named as /api/messages takes them.
import { DateTimeInput, ReferenceInput, SearchInput, SelectInput, TextInput } from 'react-admin';
import { MESSAGE_STATUS_CHOICES } from './status-chip';

export const messageFilters = [
  <SearchInput key="q" source="q" alwaysOn placeholder="Search message text" />,
  <ReferenceInput key="channelId" source="channelId" reference="channels" alwaysOn>
    <SelectInput label="Channel" optionText="name" />
  </ReferenceInput>,
  <SelectInput key="status" source="status" choices={MESSAGE_STATUS_CHOICES} alwaysOn />,
  <TextInput key="messageType" source="messageType" label="Message type" helperText="* matches anything, e.g. ORM*" />,
  <TextInput key="patientId" source="patientId" label="Patient ID" />,
  <TextInput key="accession" source="accession" label="Accession" />,
  <TextInput key="controlId" source="controlId" label="Control ID" />,
  <DateTimeInput key="from" source="from" label="Received from" />,
  <DateTimeInput key="to" source="to" label="Received until" />,
];
