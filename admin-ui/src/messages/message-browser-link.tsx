// Links into the message browser with a filter already set, e.g. a channel's messages in error.
import { Typography } from '@mui/material';
import type { MouseEvent } from 'react';
import { Link } from 'react-admin';
import type { MessageStatus } from '../api-records';

export type MessageFilter = { channelId?: string; status?: MessageStatus };

export function messageBrowserPath(filter: MessageFilter): string {
  return `/messages?filter=${encodeURIComponent(JSON.stringify(filter))}`;
}

/** A count of errors; when there are some, a red link to the channel's messages in error. */
export function ErrorCountLink({ channelId, count }: { channelId: string; count: number }) {
  if (count === 0) return <>0</>;
  return (
    <Link to={messageBrowserPath({ channelId, status: 'error' })} title="Open the messages in error" onClick={(event: MouseEvent) => event.stopPropagation()}>
      <Typography component="span" color="error" sx={{ fontWeight: 'bold', fontSize: 'inherit' }}>
        {count}
      </Typography>
    </Link>
  );
}
