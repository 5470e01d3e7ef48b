// DICOM values as people read them: PN `DOE^JANE^Q` as "DOE, JANE Q", DA `20250301` as
// 2025-03-01, TM `093000` as 09:30, byte counts as "1.2 MB", and common UIDs by name.

/** One PN component group (`family^given^middle^prefix^suffix`) as "prefix family, given middle, suffix". */
function nameGroup(group: string): string {
  const [family = '', given = '', middle = '', prefix = '', suffix = ''] = group.split('^').map((p) => p.trim());
  const first = [given, middle].filter(Boolean).join(' ');
  const main = [family, first].filter(Boolean).join(', ');
  return [[prefix, main].filter(Boolean).join(' '), suffix].filter(Boolean).join(', ');
}

/**
 * A DICOM person name for reading. The alphabetic group comes first; an ideographic or phonetic
 * group (after `=`) follows in parentheses. Case is kept: upper-case names stay as the RIS sent them.
 */
export function personName(pn: string | null | undefined): string {
  if (!pn) return '';
  const groups = pn.split('=').map(nameGroup).filter(Boolean);
  if (groups.length === 0) return '';
  const [main, ...others] = groups;
  return others.length ? `${main} (${others.join(' / ')})` : (main ?? '');
}

/** DA `YYYYMMDD` -> `YYYY-MM-DD`; anything else unchanged. */
export function dicomDate(da: string | null | undefined): string {
  if (!da) return '';
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(da.trim());
  return m ? `${m[1]}-${m[2]}-${m[3]}` : da;
}

/** TM `HHMMSS.FFFFFF` (or ISO `HH:MM:SS`) -> `HH:MM`, with seconds when they are not zero. */
export function dicomTime(tm: string | null | undefined): string {
  if (!tm) return '';
  const m = /^(\d{2}):?(\d{2})?:?(\d{2})?/.exec(tm.trim());
  if (!m) return tm;
  const [, h, min = '00', s = '00'] = m;
  return s === '00' ? `${h}:${min}` : `${h}:${min}:${s}`;
}

/** A scheduled or study date and time together, e.g. `2030-03-01 09:30`. */
export function dateAndTime(date: string | null | undefined, time: string | null | undefined): string {
  return [dicomDate(date), dicomTime(time)].filter(Boolean).join(' ');
}

/** The browser's local calendar day as `YYYY-MM-DD` (DICOM dates are local to the site). */
export function localDay(d: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** A byte count as B, KB, MB, GB (powers of 1024, one decimal below 10). */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 || value >= 10 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** Storage SOP classes seen most often (PS3.4 B.5); others are shown by UID only. */
const SOP_CLASSES: Record<string, string> = {
  '1.2.840.10008.5.1.4.1.1.1': 'CR Image',
  '1.2.840.10008.5.1.4.1.1.1.1': 'Digital X-Ray Image (for presentation)',
  '1.2.840.10008.5.1.4.1.1.1.1.1': 'Digital X-Ray Image (for processing)',
  '1.2.840.10008.5.1.4.1.1.1.2': 'Digital Mammography X-Ray Image (for presentation)',
  '1.2.840.10008.5.1.4.1.1.2': 'CT Image',
  '1.2.840.10008.5.1.4.1.1.2.1': 'Enhanced CT Image',
  '1.2.840.10008.5.1.4.1.1.3.1': 'Ultrasound Multi-frame Image',
  '1.2.840.10008.5.1.4.1.1.4': 'MR Image',
  '1.2.840.10008.5.1.4.1.1.4.1': 'Enhanced MR Image',
  '1.2.840.10008.5.1.4.1.1.6.1': 'Ultrasound Image',
  '1.2.840.10008.5.1.4.1.1.7': 'Secondary Capture Image',
  '1.2.840.10008.5.1.4.1.1.12.1': 'X-Ray Angiographic Image',
  '1.2.840.10008.5.1.4.1.1.12.2': 'X-Ray Radiofluoroscopic Image',
  '1.2.840.10008.5.1.4.1.1.20': 'Nuclear Medicine Image',
  '1.2.840.10008.5.1.4.1.1.88.11': 'Basic Text SR',
  '1.2.840.10008.5.1.4.1.1.88.22': 'Enhanced SR',
  '1.2.840.10008.5.1.4.1.1.88.33': 'Comprehensive SR',
  '1.2.840.10008.5.1.4.1.1.104.1': 'Encapsulated PDF',
  '1.2.840.10008.5.1.4.1.1.128': 'PET Image',
  '1.2.840.10008.5.1.4.1.1.11.1': 'Grayscale Softcopy Presentation State',
  '1.2.840.10008.5.1.4.1.1.481.1': 'RT Image',
};

export function sopClassName(uid: string): string | undefined {
  return SOP_CLASSES[uid];
}

/** Transfer syntaxes (PS3.5 A.4) the archive keeps as received. */
const TRANSFER_SYNTAXES: Record<string, string> = {
  '1.2.840.10008.1.2': 'Implicit VR Little Endian',
  '1.2.840.10008.1.2.1': 'Explicit VR Little Endian',
  '1.2.840.10008.1.2.1.99': 'Deflated Explicit VR Little Endian',
  '1.2.840.10008.1.2.2': 'Explicit VR Big Endian',
  '1.2.840.10008.1.2.4.50': 'JPEG Baseline',
  '1.2.840.10008.1.2.4.51': 'JPEG Extended',
  '1.2.840.10008.1.2.4.57': 'JPEG Lossless',
  '1.2.840.10008.1.2.4.70': 'JPEG Lossless SV1',
  '1.2.840.10008.1.2.4.80': 'JPEG-LS Lossless',
  '1.2.840.10008.1.2.4.81': 'JPEG-LS Near-Lossless',
  '1.2.840.10008.1.2.4.90': 'JPEG 2000 Lossless',
  '1.2.840.10008.1.2.4.91': 'JPEG 2000',
  '1.2.840.10008.1.2.5': 'RLE Lossless',
};

export function transferSyntaxName(uid: string): string | undefined {
  return TRANSFER_SYNTAXES[uid];
}

/**
 * What a person types to find a name -> the pattern the server matches a DICOM PN with. Names are
 * stored `FAMILY^GIVEN`, so "doe jane" or "Doe, Jane" becomes `*doe*jane*`; one word stays as it
 * is (the server looks for it anywhere in the name), and explicit * or ? wildcards are kept.
 */
export function nameSearch(text: string): string {
  const t = text.trim();
  if (/[*?^]/.test(t)) return t;
  const words = t.split(/[\s,]+/).filter(Boolean);
  return words.length > 1 ? `*${words.join('*')}*` : t;
}
