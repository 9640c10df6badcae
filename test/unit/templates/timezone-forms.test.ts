import { describe, expect, it } from 'vitest';
import { READERS } from '../../helpers/readers/index.ts';
import { renderSample } from '../../helpers/render-sample.ts';
import { SAMPLE_MODELS, standaloneSettings } from '../../helpers/sample-models.ts';

/** Where each dialect puts its time zone, read back from a rendered file of the sample model. */
const WHERE: Record<string, { template: string; keys: string[] }> = {
  yealink: { template: 'common', keys: ['local_time.time_zone', 'local_time.summer_time'] },
  poly: { template: 'device', keys: ['polycomConfig@tcpIpApp.sntp.gmtOffset', 'polycomConfig@tcpIpApp.sntp.daylightSavings.enable'] },
  'cisco-mpp': { template: 'device', keys: ['flat-profile/Time_Zone[ua=na]', 'flat-profile/Daylight_Saving_Time_Enable[ua=na]'] },
  'cisco-spa': { template: 'common', keys: ['flat-profile/Time_Zone', 'flat-profile/Daylight_Saving_Time_Enable'] },
  'cisco-sep': { template: 'device', keys: ['device/devicePool/dateTimeSetting/timeZone'] },
  grandstream: { template: 'common', keys: ['gs_provision[version=1]/config[version=1]/P64'] },
  snom: { template: 'common', keys: ['settings/phone-settings/timezone[perm=R]'] },
  fanvil: { template: 'common', keys: ['sysConf/phone/date/TimeZone', 'sysConf/phone/date/TimeZoneName'] },
  aastra: { template: 'common', keys: ['time zone minutes', 'dst config'] },
  obihai: { template: 'device', keys: ['X_DeviceManagement.TimeService.LocalTimeZone', 'X_DeviceManagement.TimeService.DaylightSavingTimeEnable'] },
};

/** Expected values per zone, in the order of WHERE's dialects and keys. */
const EXPECTED: Record<string, Record<string, string[]>> = {
  'America/New_York': {
    yealink: ['-5', '1'], poly: ['-18000', '1'], 'cisco-mpp': ['GMT-05:00', 'Yes'], 'cisco-spa': ['GMT-05:00', 'Yes'],
    'cisco-sep': ['Eastern Standard/Daylight Time'], grandstream: ['EST5EDT4,M3.2.0/02:00:00,M11.1.0/02:00:00'],
    snom: ['USA-5'], fanvil: ['-5', 'EST5EDT,M3.2.0,M11.1.0'], aastra: ['300', '3'], obihai: ['GMT-05:00', 'true'],
  },
  'Europe/Berlin': {
    yealink: ['+1', '1'], poly: ['3600', '1'], 'cisco-mpp': ['GMT+01:00', 'Yes'], 'cisco-spa': ['GMT+01:00', 'Yes'],
    'cisco-sep': ['W. Europe Standard/Daylight Time'], grandstream: ['CET-1CEST-2,M3.5.0/02:00:00,M10.5.0/03:00:00'],
    snom: ['GER+1'], fanvil: ['1', 'CET-1CEST,M3.5.0,M10.5.0/3'], aastra: ['-60', '3'], obihai: ['GMT+01:00', 'true'],
  },
  'Asia/Kolkata': {
    yealink: ['+5:30', '0'], poly: ['19800', '0'], 'cisco-mpp': ['GMT+05:30', 'No'], 'cisco-spa': ['GMT+05:30', 'No'],
    'cisco-sep': ['India Standard Time'], grandstream: ['IST-5:30'],
    snom: ['IND+5.5'], fanvil: ['5.5', 'IST-5:30'], aastra: ['-330', '0'], obihai: ['GMT+05:30', 'false'],
  },
  'Asia/Kathmandu': {
    yealink: ['+5:45', '0'], poly: ['20700', '0'], 'cisco-mpp': ['GMT+05:45', 'No'], 'cisco-spa': ['GMT+05:45', 'No'],
    'cisco-sep': ['Nepal Standard Time'], grandstream: ['<+0545>-5:45'],
    snom: ['NPL+5.75'], fanvil: ['5.75', '<+0545>-5:45'], aastra: ['-345', '0'], obihai: ['GMT+05:45', 'false'],
  },
  'Australia/Sydney': {
    yealink: ['+10', '1'], poly: ['36000', '1'], 'cisco-mpp': ['GMT+10:00', 'Yes'], 'cisco-spa': ['GMT+10:00', 'Yes'],
    'cisco-sep': ['AUS Eastern Standard/Daylight Time'], grandstream: ['AEST-10AEDT-11,M10.1.0/02:00:00,M4.1.0/03:00:00'],
    snom: ['AUS+10'], fanvil: ['10', 'AEST-10AEDT,M10.1.0,M4.1.0/3'], aastra: ['-600', '3'], obihai: ['GMT+10:00', 'true'],
  },
  UTC: {
    yealink: ['0', '0'], poly: ['0', '0'], 'cisco-mpp': ['GMT+00:00', 'No'], 'cisco-spa': ['GMT+00:00', 'No'],
    'cisco-sep': ['Greenwich Standard Time'], grandstream: ['UTC0'],
    snom: ['GBR-0'], fanvil: ['0', 'UTC0'], aastra: ['0', '0'], obihai: ['GMT+00:00', 'false'],
  },
};

describe.each(Object.keys(EXPECTED))('the time zone %s', (zone) => {
  it.each(Object.keys(WHERE))('renders in the %s dialect’s own form', (dialect) => {
    const where = WHERE[dialect];
    const model = SAMPLE_MODELS[dialect];
    const file = model?.files.find((f) => f.template === where?.template);
    if (where === undefined || model === undefined || file === undefined) throw new Error(`no sample for ${dialect}`);
    const settings = standaloneSettings();
    settings.time.timezone = zone;
    const read = READERS[dialect]?.(file.template, renderSample(model, file, settings).body.toString('utf8'));
    expect(where.keys.map((k) => read?.get(k))).toEqual(EXPECTED[zone]?.[dialect]);
  });
});
