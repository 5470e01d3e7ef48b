// The admin UI: react-admin over /api. Resources are registered from the user's role, so only
// admins see Users and Audit trail, and only admins and analysts see Channels, Messages and
// Alerts; the server enforces the same rules on every request.
import HistoryIcon from '@mui/icons-material/History';
import HubIcon from '@mui/icons-material/Hub';
import KeyIcon from '@mui/icons-material/Key';
import MailIcon from '@mui/icons-material/MailOutlined';
import PeopleIcon from '@mui/icons-material/People';
import { Admin, Resource } from 'react-admin';
import { AlertList } from './alerts/alert-list';
import { OpenAlertsIcon } from './alerts/open-alerts-icon';
import { AuditList } from './audit/audit-list';
import { authProvider } from './auth-provider';
import { ChannelCreate } from './channels/channel-create';
import { ChannelEdit } from './channels/channel-edit';
import { ChannelList } from './channels/channel-list';
import { ChannelShow } from './channels/channel-show';
import { Dashboard } from './dashboard';
import { dataProvider } from './data-provider';
import { MessageList } from './messages/message-list';
import { MessageShow } from './messages/message-show';
import { ROLES, worksWithChannels } from './roles';
import type { Role } from './roles';
import { TokenCreate } from './tokens/token-create';
import { TokenList } from './tokens/token-list';
import { UserCreate } from './users/user-create';
import { UserEdit } from './users/user-edit';
import { UserList } from './users/user-list';

export function App() {
  return (
    <Admin title="PACS appliance" authProvider={authProvider} dataProvider={dataProvider} dashboard={Dashboard} requireAuth disableTelemetry>
      {(permissions: Role | undefined) => (
        <>
          {worksWithChannels(permissions) && (
            <>
              <Resource name="channels" list={ChannelList} show={ChannelShow} edit={ChannelEdit} create={ChannelCreate} icon={HubIcon} recordRepresentation="name" />
              <Resource name="messages" list={MessageList} show={MessageShow} icon={MailIcon} recordRepresentation={(m: { id: number }) => `#${m.id}`} />
              <Resource name="alerts" list={AlertList} icon={OpenAlertsIcon} />
            </>
          )}
          {permissions === ROLES.admin && (
            <Resource name="users" list={UserList} create={UserCreate} edit={UserEdit} icon={PeopleIcon} recordRepresentation="username" />
          )}
          {permissions === ROLES.admin && <Resource name="audit" list={AuditList} icon={HistoryIcon} options={{ label: 'Audit trail' }} />}
          <Resource name="tokens" list={TokenList} create={TokenCreate} icon={KeyIcon} options={{ label: 'API tokens' }} recordRepresentation="name" />
        </>
      )}
    </Admin>
  );
}
