// Delete = undeploy: the channel stops and its definition goes; its messages stay searchable.
import { DeleteButton } from 'react-admin';

export function ChannelDeleteButton() {
  return (
    <DeleteButton
      mutationMode="pessimistic"
      confirmTitle="Undeploy this channel?"
      confirmContent="The channel stops and its definition is removed. The messages it received stay in the store."
    />
  );
}
