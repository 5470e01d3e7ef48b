// A message as text: HL7 v2 one segment a line (split on \r), the segment name in bold and the
// field separators set off so fields are easy to count; other content as it is.
import { Box } from '@mui/material';
import type { ReactNode } from 'react';

/** MSH-1 and MSH-2: the field, component and repetition separators the message declares. */
function separators(firstLine: string): { field: string; others: string } {
  if (!firstLine.startsWith('MSH') || firstLine.length < 5) return { field: '|', others: '^~' };
  return { field: firstLine[3] ?? '|', others: firstLine.slice(4, 6) };
}

function Segment({ line, field, others }: { line: string; field: string; others: string }): ReactNode {
  const name = line.slice(0, 3);
  const rest = line.slice(3);
  const parts: ReactNode[] = [];
  let text = '';
  for (const ch of rest) {
    if (ch !== field && !others.includes(ch)) {
      text += ch;
      continue;
    }
    if (text) parts.push(text);
    text = '';
    parts.push(
      <Box component="span" key={parts.length} sx={{ color: ch === field ? 'primary.main' : 'text.disabled', fontWeight: ch === field ? 'bold' : 'normal' }}>
        {ch}
      </Box>,
    );
  }
  if (text) parts.push(text);
  return (
    <div>
      <Box component="span" sx={{ fontWeight: 'bold', color: 'secondary.main' }}>
        {name}
      </Box>
      {parts}
    </div>
  );
}

export function MessageText({ text, dataType, testId }: { text: string; dataType: string; testId?: string }) {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.at(-1) === '') lines.pop();
  const hl7 = dataType === 'hl7v2' && lines[0]?.startsWith('MSH');
  const { field, others } = separators(lines[0] ?? '');
  return (
    <Box
      component="pre"
      data-testid={testId}
      sx={{ fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace', fontSize: 13, lineHeight: 1.6, bgcolor: 'action.hover', p: 1.5, m: 0, borderRadius: 1, whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}
    >
      {hl7 ? lines.map((line, i) => <Segment key={i} line={line} field={field} others={others} />) : text}
    </Box>
  );
}
