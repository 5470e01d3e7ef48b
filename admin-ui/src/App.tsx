// The admin UI: react-admin over /api. Resources are registered from the user's role, so only
// admins see Users and Audit trail, only admins and analysts see Channels, Messages and Alerts,
// referrers see no Worklist, everyone sees Studies, and everyone but analysts sees Reports
// (referrers: signed ones only); the server enforces the same rules on every request.
import HistoryIcon from '@mui/icons-material/History';
import HubIcon from '@mui/icons-material/Hub';
import KeyIcon from '@mui/icons-material/Key';
import MailIcon from '@mui/icons-material/MailOutlined';
import PeopleIcon from '@mui/icons-material/People';
import PhotoLibraryIcon from '@mui/icons-material/PhotoLibrary';
import ReportIcon from '@mui/icons-material/Description';
import WorklistIcon from '@mui/icons-material/EventNote';
import { Admin, Resource, withLifecycleCallbacks } from 'react-admin';
import { AlertList } from './alerts/alert-list';
import type { Series } from './api-records';
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
import { ReportEdit } from './reports/report-edit';
import { ReportList, reportName } from './reports/report-list';
import { ReportShow } from './reports/report-show';
import { readsReports, readsStudies, readsWorklist, ROLES, worksWithChannels, writesReports } from './roles';
import type { Role } from './roles';
import { SeriesShow } from './studies/series-show';
import { studyCallbacks } from './studies/study-filters';
import { StudyList, studyName } from './studies/study-list';
import { StudyShow } from './studies/study-show';
import { TokenCreate } from './tokens/token-create';
import { TokenList } from './tokens/token-list';
import { UserCreate } from './users/user-create';
import { UserEdit } from './users/user-edit';
import { UserList } from './users/user-list';
import { worklistCallbacks } from './worklist/worklist-filters';
import { WorklistList, worklistItemName } from './worklist/worklist-list';
import { WorklistShow } from './worklist/worklist-show';

// The worklist's "from today" and the name searches become the filters /api takes at request time.
const appDataProvider = withLifecycleCallbacks(dataProvider, [worklistCallbacks, studyCallbacks]);

// The page title reads "Series 2 · Coronal MPR" (react-admin puts the resource name first).
const seriesName = (s: Series) => [s.number === null ? '' : String(s.number), s.description].filter(Boolean).join(' · ');

export function App() {
  return (
    <Admin title="PACS appliance" authProvider={authProvider} dataProvider={appDataProvider} dashboard={Dashboard} requireAuth disableTelemetry>
      {(permissions: Role | undefined) => (
        <>
          {readsWorklist(permissions) && <Resource name="worklist" list={WorklistList} show={WorklistShow} icon={WorklistIcon} options={{ label: 'Worklist' }} recordRepresentation={worklistItemName} />}
          {readsStudies(permissions) && (
            <>
              <Resource name="studies" list={StudyList} show={StudyShow} icon={PhotoLibraryIcon} recordRepresentation={studyName} />
              <Resource name="series" show={SeriesShow} recordRepresentation={seriesName} />
              <Resource name="instances" />
            </>
          )}
          {readsReports(permissions) && (
            <Resource name="reports" list={ReportList} show={ReportShow} edit={writesReports(permissions) ? ReportEdit : undefined} icon={ReportIcon} recordRepresentation={reportName} />
          )}
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
