// The YAML editor for a channel definition, shared by create and edit. The server's validation
// message (`path: problem; path: problem`) is shown above the editor, one problem a line.
import { Alert, AlertTitle } from '@mui/material';
import { SimpleForm, TextInput, useNotify } from 'react-admin';
import { useState } from 'react';
import type { ReactNode } from 'react';
import type { Channel } from '../api-records';
import { CHANNEL_TEMPLATE, definitionToYaml, parseDefinition, validateDefinitionYaml } from './channel-yaml';

export type ChannelYamlValues = { yaml: string };

/** The form's values to the request body: the definition the YAML text holds. */
export function yamlToDefinition(values: ChannelYamlValues): Record<string, unknown> {
  const parsed = parseDefinition(values.yaml);
  // The validator has already refused text that does not parse, so this is a bug if it throws.
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

/**
 * Save handling shared by create and edit: the request body from the YAML, and the server's
 * refusal shown above the editor (`problems`) with a notification.
 */
export function useDefinitionSave(failure: string) {
  const [problems, setProblems] = useState<string>();
  const notify = useNotify();
  return {
    problems,
    transform: (values: ChannelYamlValues) => {
      setProblems(undefined);
      return yamlToDefinition(values);
    },
    mutationOptions: {
      onError: (error: Error) => {
        setProblems(error.message);
        notify(failure, { type: 'error' });
      },
    },
  };
}

/** The editor starts from the channel's definition (edit) or from the commented template (create). */
function initialValues(record: Partial<Channel> | undefined): ChannelYamlValues {
  return { yaml: record?.definition === undefined ? CHANNEL_TEMPLATE : definitionToYaml(record.definition) };
}

export function ServerProblems({ message }: { message: string | undefined }) {
  if (!message) return null;
  return (
    <Alert severity="error" sx={{ mb: 2, width: '100%' }} data-testid="channel-problems">
      <AlertTitle>The server did not accept this definition</AlertTitle>
      {message.split('; ').map((problem, i) => (
        <div key={i}>{problem}</div>
      ))}
    </Alert>
  );
}

/** The record's counters change while the editor is open: a refetch must not undo the analyst's typing. */
const KEEP_TYPED_TEXT = { keepDirtyValues: true } as const;

export function ChannelYamlForm({ problems, toolbar }: { problems: string | undefined; toolbar?: ReactNode }) {
  return (
    <SimpleForm defaultValues={initialValues} resetOptions={KEEP_TYPED_TEXT} toolbar={toolbar}>
      <ServerProblems message={problems} />
      <TextInput
        source="yaml"
        label="Definition (YAML)"
        multiline
        minRows={18}
        validate={validateDefinitionYaml}
        helperText="The same YAML as `npx pacs channels export`. Saving deploys the channel at once."
        slotProps={{ htmlInput: { spellCheck: false } }}
        sx={{ '& textarea': { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace', fontSize: 13, lineHeight: 1.5 } }}
      />
    </SimpleForm>
  );
}
