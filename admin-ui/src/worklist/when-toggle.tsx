// The quick date choice above the worklist: today and upcoming (the default), today, or all
// dates. Picking one clears a specific "Scheduled on" date; while such a date is set, none is lit.
import { ToggleButton, ToggleButtonGroup } from '@mui/material';
import { useListContext } from 'react-admin';
import type { WorklistItem } from '../api-records';
import { WHEN_CHOICES } from './worklist-filters';
import type { When } from './worklist-filters';

export function WhenToggle() {
  const { filterValues, displayedFilters, setFilters } = useListContext<WorklistItem>();
  const values = filterValues as Record<string, unknown>;
  const current: When | null = values.scheduledDate ? null : ((values.when as When | undefined) ?? 'all');
  return (
    <ToggleButtonGroup
      exclusive
      size="small"
      color="primary"
      aria-label="Scheduled"
      value={current}
      onChange={(_event, when: When | null) => {
        if (!when) return;
        const { scheduledDate: _date, ...rest } = values;
        setFilters({ ...rest, when }, { ...displayedFilters, scheduledDate: false });
      }}
      sx={{ mr: 1 }}
    >
      {WHEN_CHOICES.map((c) => (
        <ToggleButton key={c.id} value={c.id} sx={{ textTransform: 'none', py: 0.25 }}>
          {c.name}
        </ToggleButton>
      ))}
    </ToggleButtonGroup>
  );
}
