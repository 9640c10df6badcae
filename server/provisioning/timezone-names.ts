import { appError } from '../errors.ts';
import { zoneRules } from './timezone.ts';

/**
 * Vendor time-zone NAMES that cannot be derived from offsets: data tables for common zones,
 * keyed by IANA name. A zone missing from a table falls back to the listed zone with the same
 * standard offset and the same DST presence (then the same offset alone), so every zone renders.
 */

/**
 * Cisco enterprise (CUCM) `<timeZone>` Windows-style names (VENDORS.md §4: `Eastern
 * Standard/Daylight Time` ✔). Which European name CUCM lists for which city is ~ (not verified):
 * we follow Windows' own grouping (Berlin = W. Europe).
 */
export const CISCO_WINDOWS_ZONES: Record<string, string> = {
  UTC: 'Greenwich Standard Time',
  'Europe/London': 'GMT Standard/Daylight Time',
  'Europe/Dublin': 'GMT Standard/Daylight Time',
  'Europe/Lisbon': 'GMT Standard/Daylight Time',
  'Europe/Berlin': 'W. Europe Standard/Daylight Time',
  'Europe/Amsterdam': 'W. Europe Standard/Daylight Time',
  'Europe/Rome': 'W. Europe Standard/Daylight Time',
  'Europe/Zurich': 'W. Europe Standard/Daylight Time',
  'Europe/Paris': 'Romance Standard/Daylight Time',
  'Europe/Madrid': 'Romance Standard/Daylight Time',
  'Europe/Brussels': 'Romance Standard/Daylight Time',
  'Europe/Warsaw': 'Central European Standard/Daylight Time',
  'Europe/Prague': 'Central Europe Standard/Daylight Time',
  'Europe/Budapest': 'Central Europe Standard/Daylight Time',
  'Europe/Athens': 'GTB Standard/Daylight Time',
  'Europe/Helsinki': 'FLE Standard/Daylight Time',
  'Europe/Istanbul': 'Turkey Standard Time',
  'Europe/Moscow': 'Russian Standard Time',
  'Asia/Dubai': 'Arabian Standard Time',
  'Asia/Karachi': 'Pakistan Standard Time',
  'Asia/Kolkata': 'India Standard Time',
  'Asia/Kathmandu': 'Nepal Standard Time',
  'Asia/Dhaka': 'Bangladesh Standard Time',
  'Asia/Bangkok': 'SE Asia Standard Time',
  'Asia/Singapore': 'Singapore Standard Time',
  'Asia/Shanghai': 'China Standard/Daylight Time',
  'Asia/Tokyo': 'Tokyo Standard Time',
  'Australia/Brisbane': 'E. Australia Standard Time',
  'Australia/Sydney': 'AUS Eastern Standard/Daylight Time',
  'Australia/Melbourne': 'AUS Eastern Standard/Daylight Time',
  'Australia/Adelaide': 'Cen. Australia Standard/Daylight Time',
  'Australia/Perth': 'W. Australia Standard Time',
  'Pacific/Auckland': 'New Zealand Standard/Daylight Time',
  'Pacific/Honolulu': 'Hawaiian Standard Time',
  'America/Anchorage': 'Alaskan Standard/Daylight Time',
  'America/Los_Angeles': 'Pacific Standard/Daylight Time',
  'America/Denver': 'Mountain Standard/Daylight Time',
  'America/Phoenix': 'US Mountain Standard Time',
  'America/Chicago': 'Central Standard/Daylight Time',
  'America/New_York': 'Eastern Standard/Daylight Time',
  'America/Toronto': 'Eastern Standard/Daylight Time',
  'America/Halifax': 'Atlantic Standard/Daylight Time',
  'America/Sao_Paulo': 'E. South America Standard/Daylight Time',
  'Africa/Johannesburg': 'South Africa Standard Time',
};

/**
 * Snom `timezone` codes (VENDORS.md §6 shows `FRA+1`, `USA-5` ✔). The other codes follow the same
 * country+offset pattern and are ✘ (not verified against Snom's list, service.snom.com
 * /display/wiki/timezone); in particular the fractional forms for Kolkata and Kathmandu.
 */
export const SNOM_ZONES: Record<string, string> = {
  UTC: 'GBR-0',
  'Europe/London': 'GBR-0',
  'Europe/Dublin': 'IRL-0',
  'Europe/Lisbon': 'POR-0',
  'Europe/Berlin': 'GER+1',
  'Europe/Paris': 'FRA+1',
  'Europe/Madrid': 'ESP+1',
  'Europe/Rome': 'ITA+1',
  'Europe/Amsterdam': 'NLD+1',
  'Europe/Brussels': 'BEL+1',
  'Europe/Zurich': 'CHE+1',
  'Europe/Vienna': 'AUT+1',
  'Europe/Warsaw': 'POL+1',
  'Europe/Stockholm': 'SWE+1',
  'Europe/Athens': 'GRC+2',
  'Europe/Helsinki': 'FIN+2',
  'Europe/Istanbul': 'TUR+3',
  'Europe/Moscow': 'RUS+3',
  'Asia/Dubai': 'UAE+4',
  'Asia/Kolkata': 'IND+5.5',
  'Asia/Kathmandu': 'NPL+5.75',
  'Asia/Shanghai': 'CHN+8',
  'Asia/Singapore': 'SGP+8',
  'Asia/Tokyo': 'JPN+9',
  'Australia/Brisbane': 'AUS2+10',
  'Australia/Sydney': 'AUS+10',
  'Australia/Melbourne': 'AUS+10',
  'Australia/Perth': 'AUS+8',
  'Pacific/Auckland': 'NZL+12',
  'Pacific/Honolulu': 'USA-10',
  'America/Anchorage': 'USA-9',
  'America/Los_Angeles': 'USA-8',
  'America/Denver': 'USA-7',
  'America/Phoenix': 'USA2-7',
  'America/Chicago': 'USA-6',
  'America/New_York': 'USA-5',
  'America/Toronto': 'CAN-5',
  'America/Halifax': 'CAN-4',
  'America/Sao_Paulo': 'BRA-3',
  'Africa/Johannesburg': 'ZAF+2',
};

/**
 * `table[zone]`, else the entry of a listed zone with the same standard offset and DST presence
 * in `year`, else one with the same standard offset; RULE_VIOLATION when none shares it.
 */
export function lookupZoneName(table: Record<string, string>, zone: string, year: number): string {
  const direct = table[zone];
  if (direct !== undefined) return direct;
  const rules = zoneRules(zone, year);
  const listed = Object.keys(table).sort();
  const sameOffset = listed.filter((z) => zoneRules(z, year).standardOffset === rules.standardOffset);
  const best =
    sameOffset.find((z) => (zoneRules(z, year).dst !== undefined) === (rules.dst !== undefined)) ??
    sameOffset[0];
  if (best === undefined) {
    throw appError('RULE_VIOLATION', `No vendor time-zone name is known for "${zone}"`, {
      field: 'time.timezone',
    });
  }
  return table[best] as string;
}
