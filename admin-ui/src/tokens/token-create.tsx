// Creating an API token: the server returns the secret once, so it is shown in a dialog to copy.
import { useState } from 'react';
import { Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle } from '@mui/material';
import { Create, maxLength, minValue, maxValue, NumberInput, required, SimpleForm, TextInput, useRedirect } from 'react-admin';
import type { CreatedApiToken } from '../api-records';

type TokenForm = { name: string; expiresInDays?: number | null };

function toRequest(data: TokenForm) {
  return { name: data.name, ...(data.expiresInDays ? { expiresInDays: data.expiresInDays } : {}) };
}

function SecretDialog({ secret, onClose }: { secret: string | undefined; onClose: () => void }) {
  const clipboard = typeof navigator !== 'undefined' ? navigator.clipboard : undefined;
  return (
    <Dialog open={secret !== undefined} onClose={onClose} aria-labelledby="token-secret-title">
      <DialogTitle id="token-secret-title">API token created</DialogTitle>
      <DialogContent>
        <DialogContentText>Copy the token now: it is shown only this once. Send it as “Authorization: Bearer &lt;token&gt;”.</DialogContentText>
        <pre data-testid="token-secret" style={{ userSelect: 'all', whiteSpace: 'pre-wrap', wordBreak: 'break-all', padding: 8, background: '#f5f5f5' }}>
          {secret}
        </pre>
      </DialogContent>
      <DialogActions>
        {clipboard && secret && <Button onClick={() => void clipboard.writeText(secret)}>Copy</Button>}
        <Button onClick={onClose} variant="contained">
          Done
        </Button>
      </DialogActions>
    </Dialog>
  );
}

export function TokenCreate() {
  const [secret, setSecret] = useState<string>();
  const redirect = useRedirect();
  return (
    <>
      <Create<CreatedApiToken> title="New API token" transform={toRequest} mutationOptions={{ onSuccess: (token) => setSecret(token.token) }}>
        <SimpleForm>
          <TextInput source="name" validate={[required(), maxLength(100)]} helperText="What the token is for, e.g. the program that uses it" />
          <NumberInput
            source="expiresInDays"
            label="Expires in (days)"
            validate={[minValue(1), maxValue(3650)]}
            helperText="Leave empty for a token that does not expire"
          />
        </SimpleForm>
      </Create>
      <SecretDialog secret={secret} onClose={() => redirect('list', 'tokens')} />
    </>
  );
}
