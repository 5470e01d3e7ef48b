// A new channel, written as YAML from a commented template; Save deploys it (POST /api/channels).
import { Create } from 'react-admin';
import type { Channel } from '../api-records';
import { ChannelYamlForm, useDefinitionSave } from './channel-yaml-form';

export function ChannelCreate() {
  const { problems, transform, mutationOptions } = useDefinitionSave('The channel was not deployed');
  return (
    <Create<Channel> redirect="show" transform={transform} mutationOptions={mutationOptions}>
      <ChannelYamlForm problems={problems} />
    </Create>
  );
}
