// PS3.6 keywords and tags, from dcmjs's data dictionary: what a QIDO-RS attribute name
// ("PatientName", "00100010") and its VR are.
import { dcmjs } from '../dcmjs.ts';

type DictEntry = { tag: string; vr: string; name: string };
// dcmjs.ts declares only the parts of dcmjs the folder used before; its dictionary tables are
// plain objects keyed by keyword and by "(gggg,eeee)".
const dictionary = (dcmjs.data as unknown as { DicomMetaDictionary: { nameMap: Record<string, DictEntry | undefined>; dictionary: Record<string, DictEntry | undefined> } }).DicomMetaDictionary;

export type AttributeId = { tag: string; vr: string; keyword?: string };

/** dcmjs writes ambiguous VRs as "ox", "xs", "US or SS": a JSON consumer needs one. */
function concreteVr(vr: string): string {
  if (/^[A-Z]{2}$/.test(vr)) return vr;
  if (vr === 'ox' || vr.startsWith('OB')) return 'OB';
  if (vr === 'xs' || vr.startsWith('US')) return 'US';
  return 'UN';
}

/** A keyword or an 8-hex-digit tag -> its tag and VR; undefined when it is neither. */
export function lookupAttribute(name: string): AttributeId | undefined {
  if (/^[0-9A-Fa-f]{8}$/.test(name)) {
    const tag = name.toUpperCase();
    const entry = dictionary.dictionary[`(${tag.slice(0, 4)},${tag.slice(4)})`];
    if (entry) return { tag, vr: concreteVr(entry.vr), keyword: entry.name };
    // Private and unknown public tags are valid tags with an unknown VR.
    return { tag, vr: 'UN' };
  }
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(name)) return undefined;
  const entry = dictionary.nameMap[name];
  if (!entry || !/^\([0-9A-F]{4},[0-9A-F]{4}\)$/.test(entry.tag)) return undefined;
  return { tag: entry.tag.replace(/[(),]/g, ''), vr: concreteVr(entry.vr), keyword: entry.name };
}

/** The VR of a tag when the dictionary knows it. */
export function vrOfTag(tag: string): string | undefined {
  const entry = dictionary.dictionary[`(${tag.slice(0, 4)},${tag.slice(4)})`];
  return entry ? concreteVr(entry.vr) : undefined;
}
