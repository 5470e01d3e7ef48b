// Editing a channel as YAML: Save PUTs the definition, and the server redeploys the channel at once.
import { Edit, SaveButton, ShowButton, Toolbar, TopToolbar } from 'react-admin';
import type { Channel } from '../api-records';
import { ChannelDeleteButton } from './channel-delete-button';
import { ChannelYamlForm, useDefinitionSave } from './channel-yaml-form';

const actions = (
  <TopToolbar>
    <ShowButton />
  </TopToolbar>
);

const toolbar = (
  <Toolbar sx={{ justifyContent: 'space-between' }}>
    <SaveButton />
    <ChannelDeleteButton />
  </Toolbar>
);

export function ChannelEdit() {
  const { problems, transform, mutationOptions } = useDefinitionSave('The channel was not saved');
  return (
    <Edit<Channel> mutationMode="pessimistic" redirect="show" actions={actions} transform={transform} mutationOptions={mutationOptions}>
      <ChannelYamlForm problems={problems} toolbar={toolbar} />
    </Edit>
  );
}
