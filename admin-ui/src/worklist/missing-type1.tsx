// The warning on an item that modalities do not get: a Type 1 attribute (one a modality insists
// on) is still empty, so the MWL SCP leaves the item out until an update fills it.
import WarningIcon from '@mui/icons-material/WarningAmber';
import { Alert, Tooltip } from '@mui/material';
import { keywordLabel } from './dicom-dictionary';

/** "not offered to modalities: missing Scheduled Station AE Title, Patient ID". */
export function missingType1Text(missing: readonly string[]): string {
  return `Not offered to modalities: missing ${missing.map(keywordLabel).join(', ')}`;
}

/** A small warning icon for the list, with the reason as its tooltip and accessible name. */
export function MissingType1Marker({ missing }: { missing: readonly string[] }) {
  if (missing.length === 0) return null;
  const text = missingType1Text(missing);
  return (
    <Tooltip title={text}>
      <WarningIcon color="warning" fontSize="small" titleAccess={text} sx={{ verticalAlign: 'middle' }} />
    </Tooltip>
  );
}

/** The same warning as a banner, for the item's page. */
export function MissingType1Alert({ missing }: { missing: readonly string[] }) {
  if (missing.length === 0) return null;
  return (
    <Alert severity="warning" sx={{ my: 2 }} data-testid="missing-type1">
      {missingType1Text(missing)}. The item is kept, and offered once an update fills {missing.length === 1 ? 'it' : 'them'}.
    </Alert>
  );
}
