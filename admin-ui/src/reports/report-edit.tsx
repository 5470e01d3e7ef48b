// The report editor. A draft or preliminary report: the four sections, "Save draft" (keeps the
// status) and "Sign", which after a confirmation saves it as final. A signed report opens here to
// be amended: its one button saves the correction as amended (the signed version is kept). Every
// save sends the revision it started from, so a save over someone else's change is refused (409),
// and a failure (e.g. 503 when the results channel is stopped) shows the server's message.
import CheckIcon from '@mui/icons-material/CheckCircle';
import { Box, Button, Typography } from '@mui/material';
import { useState } from 'react';
import {
  Confirm,
  Edit,
  SaveButton,
  SimpleForm,
  TextInput,
  Toolbar,
  useNotify,
  usePermissions,
  useRecordContext,
  useRedirect,
  useSaveContext,
} from 'react-admin';
import { useFormContext } from 'react-hook-form';
import type { Report, ReportSections, ReportStatus } from '../api-records';
import { writesReports } from '../roles';
import type { Role } from '../roles';
import { ReportHeader } from './report-show';
import { isSigned, reportSaveBody, SECTIONS } from './report-values';

/** A button that asks first, then submits the form with the given status. */
function ConfirmedSave({ status, label, title, content, done }: { status: ReportStatus; label: string; title: string; content: string; done: string }) {
  const [open, setOpen] = useState(false);
  const record = useRecordContext<Report>();
  const notify = useNotify();
  const redirect = useRedirect();
  const { save, saving } = useSaveContext();
  const { handleSubmit } = useFormContext<ReportSections>();
  const onSuccess = () => {
    notify(done, { type: 'info' });
    if (record) redirect('show', 'reports', record.id);
  };
  const submit = () => {
    setOpen(false);
    void handleSubmit((values) => save?.(reportSaveBody(values, record, status), { onSuccess }))();
  };
  return (
    <>
      <Button variant="contained" startIcon={<CheckIcon />} disabled={saving} onClick={() => setOpen(true)}>
        {label}
      </Button>
      <Confirm isOpen={open} title={title} content={content} confirm={label} onConfirm={submit} onClose={() => setOpen(false)} />
    </>
  );
}

function EditorToolbar() {
  const record = useRecordContext<Report>();
  const notify = useNotify();
  const { permissions } = usePermissions<Role>();
  if (!record || !writesReports(permissions)) return null;
  if (isSigned(record.status)) {
    return (
      <Toolbar>
        <ConfirmedSave
          status="amended"
          label="Save amendment"
          title="Amend the signed report?"
          content="The corrected report is signed in your name and sent to the RIS; the earlier version is kept."
          done="Amendment signed"
        />
      </Toolbar>
    );
  }
  return (
    <Toolbar sx={{ gap: 2 }}>
      <SaveButton
        label={record.status === 'draft' ? 'Save draft' : 'Save'}
        variant="outlined"
        transform={(values: ReportSections) => reportSaveBody(values, record)}
        mutationOptions={{ onSuccess: () => notify(record.status === 'draft' ? 'Draft saved' : 'Report saved', { type: 'info' }) }}
      />
      <ConfirmedSave
        status="final"
        label="Sign"
        title="Sign the report?"
        content="The report becomes final, is signed in your name and is sent to the RIS. After that it can only be amended."
        done="Report signed"
      />
    </Toolbar>
  );
}

function EditorTitle() {
  const record = useRecordContext<Report>();
  return <>{record && isSigned(record.status) ? 'Amend report' : 'Report'}</>;
}

function EditorHeader() {
  const record = useRecordContext<Report>();
  if (!record) return null;
  return (
    <Box sx={{ width: '100%', mb: 1 }}>
      <ReportHeader report={record} />
      {isSigned(record.status) && (
        <Typography color="text.secondary" sx={{ mt: 2 }}>
          You are amending a signed report: saving sends the corrected text as version {record.version + 1}.
        </Typography>
      )}
    </Box>
  );
}

export function ReportEdit() {
  // Pessimistic: a save is answered after the results channel has taken it, or refused.
  return (
    <Edit<Report> mutationMode="pessimistic" redirect="show" title={<EditorTitle />} actions={false}>
      <SimpleForm toolbar={<EditorToolbar />} sx={{ maxWidth: 900 }}>
        <EditorHeader />
        {SECTIONS.map(({ key, label }) => (
          <TextInput key={key} source={key} label={label} multiline minRows={key === 'findings' ? 6 : 2} fullWidth helperText={false} />
        ))}
      </SimpleForm>
    </Edit>
  );
}
