// A DICOM data set (keyword -> value) as a table in tag order, the way dcmdump lists it: tag,
// name, VR and value, sequences with their items indented below them. Names, dates and times also
// appear in readable form; an empty value (an explicit HL7 null) says so.
import { Box, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import type { ReactNode } from 'react';
import type { DicomAttributes } from '../api-records';
import { dicomDate, dicomTime, personName } from '../studies/dicom-values';
import { byTag, keywordLabel, tagOf, vrOf } from './dicom-dictionary';

type Value = DicomAttributes[string];

const isSequence = (v: Value): v is DicomAttributes[] => Array.isArray(v) && v.some((x) => typeof x === 'object' && x !== null);

/** The readable form of a PN, DA or TM value, when it differs from the value itself. */
function readable(vr: string | undefined, text: string): string | undefined {
  const r = vr === 'PN' ? personName(text) : vr === 'DA' ? dicomDate(text) : vr === 'TM' ? dicomTime(text) : undefined;
  return r && r !== text ? r : undefined;
}

function ValueCell({ keyword, value }: { keyword: string; value: Value }) {
  if (value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0)) {
    return (
      <Typography component="span" variant="body2" color="text.disabled">
        (empty)
      </Typography>
    );
  }
  const text = Array.isArray(value) ? value.map(String).join('\\') : String(value);
  const gloss = readable(vrOf(keyword), text);
  return (
    <>
      <Box component="span" sx={{ fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace', fontSize: 13 }}>
        {text}
      </Box>
      {gloss && ' '}
      {gloss && (
        <Typography component="span" variant="body2" color="text.secondary" sx={{ ml: 1.5 }}>
          {gloss}
        </Typography>
      )}
    </>
  );
}

function rows(attributes: DicomAttributes, depth: number, path: string): ReactNode[] {
  const out: ReactNode[] = [];
  const indent = { pl: 2 + depth * 3 };
  for (const keyword of Object.keys(attributes).sort(byTag)) {
    const value = attributes[keyword];
    const key = `${path}/${keyword}`;
    const sequence = isSequence(value);
    out.push(
      <TableRow key={key} data-testid={depth === 0 ? `attr-${keyword}` : undefined}>
        <TableCell sx={{ ...indent, fontFamily: 'monospace', whiteSpace: 'nowrap', color: 'text.secondary' }}>
          {'>'.repeat(depth)}
          {tagOf(keyword)}
        </TableCell>
        <TableCell sx={{ whiteSpace: 'nowrap' }}>{keywordLabel(keyword)}</TableCell>
        <TableCell sx={{ fontFamily: 'monospace', color: 'text.secondary' }}>{vrOf(keyword) ?? (sequence ? 'SQ' : '')}</TableCell>
        <TableCell sx={{ wordBreak: 'break-word' }}>
          {sequence ? (
            <Typography component="span" variant="body2" color="text.secondary">
              {value.length === 1 ? '1 item' : `${value.length} items`}
            </Typography>
          ) : (
            <ValueCell keyword={keyword} value={value} />
          )}
        </TableCell>
      </TableRow>,
    );
    if (sequence) {
      value.forEach((item, i) => {
        if (value.length > 1) {
          out.push(
            <TableRow key={`${key}#${i}`}>
              <TableCell colSpan={4} sx={{ pl: 2 + (depth + 1) * 3, py: 0.5, color: 'text.secondary', fontStyle: 'italic' }}>
                Item {i + 1}
              </TableCell>
            </TableRow>,
          );
        }
        out.push(...rows(item, depth + 1, `${key}#${i}`));
      });
    }
  }
  return out;
}

export function DicomAttributeTable({ attributes, label }: { attributes: DicomAttributes; label: string }) {
  return (
    <Table size="small" aria-label={label}>
      <TableHead>
        <TableRow>
          <TableCell>Tag</TableCell>
          <TableCell>Attribute</TableCell>
          <TableCell>VR</TableCell>
          <TableCell>Value</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>{rows(attributes, 0, '')}</TableBody>
    </Table>
  );
}
