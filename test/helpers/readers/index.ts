import { readCfg } from './cfg-reader.ts';
import { readParameterList, readXml } from './xml-reader.ts';

/**
 * One reader per dialect: parses a rendered file back to a flat settings map whose keys are
 * the dialect's own (cfg key, Poly attribute, XML element path, Obihai object+parameter).
 */
export type Reader = (template: string, body: string) => Map<string, string>;

const xml = (valueAttrs?: readonly string[] | '*'): Reader => (_t, body) =>
  readXml(body, valueAttrs === undefined ? {} : { valueAttrs });

export const READERS: Record<string, Reader> = {
  yealink: (t, body) => (t === 'directory' ? readXml(body) : readCfg(body, ' = ')),
  poly: (t, body) => (t === 'directory' ? readXml(body) : readXml(body, { valueAttrs: '*' })),
  'cisco-mpp': xml(),
  'cisco-spa': xml(),
  'cisco-sep': xml(),
  grandstream: xml(),
  snom: xml(['label', 'url']),
  fanvil: xml(),
  aastra: (_t, body) => readCfg(body, ': '),
  obihai: (_t, body) => readParameterList(body),
};

/** Where the reader finds line 1's display name and label, and the sample's first raw key. */
export interface FieldKeys {
  displayName: string;
  label: string;
  secret: string;
  ntp: string;
}

export const FIELD_KEYS: Record<string, FieldKeys> = {
  yealink: {
    displayName: 'account.1.display_name',
    label: 'account.1.label',
    secret: 'account.1.password',
    ntp: 'local_time.ntp_server1',
  },
  poly: {
    displayName: 'polycomConfig@reg.1.displayName',
    label: 'polycomConfig@reg.1.label',
    secret: 'polycomConfig@reg.1.auth.password',
    ntp: 'polycomConfig@tcpIpApp.sntp.address',
  },
  'cisco-mpp': {
    displayName: 'flat-profile/Display_Name_1_[ua=na]',
    label: 'flat-profile/Short_Name_1_[ua=na]',
    secret: 'flat-profile/Password_1_[ua=na]',
    ntp: 'flat-profile/Primary_NTP_Server[ua=na]',
  },
  'cisco-spa': {
    displayName: 'flat-profile/Display_Name_1_',
    label: 'flat-profile/Short_Name_1_',
    secret: 'flat-profile/Password_1_',
    ntp: 'flat-profile/Primary_NTP_Server',
  },
  'cisco-sep': {
    displayName: 'device/sipProfile/sipLines/line[button=1,lineIndex=1]/displayName',
    label: 'device/sipProfile/sipLines/line[button=1,lineIndex=1]/featureLabel',
    secret: 'device/sipProfile/sipLines/line[button=1,lineIndex=1]/authPassword',
    ntp: 'device/devicePool/dateTimeSetting/ntps/ntp/name',
  },
  grandstream: {
    displayName: 'gs_provision[version=1]/config[version=1]/P3',
    label: 'gs_provision[version=1]/config[version=1]/P270',
    secret: 'gs_provision[version=1]/config[version=1]/P34',
    ntp: 'gs_provision[version=1]/config[version=1]/P30',
  },
  snom: {
    displayName: 'settings/phone-settings/user_realname[idx=1,perm=R]',
    label: 'settings/phone-settings/user_idle_text[idx=1,perm=R]',
    secret: 'settings/phone-settings/user_pass[idx=1,perm=R]',
    ntp: 'settings/phone-settings/ntp_server[perm=R]',
  },
  fanvil: {
    displayName: 'sysConf/sip/line[index=1]/DisplayName',
    label: 'sysConf/sip/line[index=1]/SipName',
    secret: 'sysConf/sip/line[index=1]/RegisterPswd',
    ntp: 'sysConf/phone/date/SNTPServer',
  },
  aastra: {
    displayName: 'sip line1 display name',
    label: 'sip line1 screen name',
    secret: 'sip line1 password',
    ntp: 'time server1',
  },
  obihai: {
    displayName: 'VoiceService.1.VoiceProfile.1.Line.1.CallingFeatures.CallerIDName',
    label: 'VoiceService.1.VoiceProfile.1.Line.1.X_DisplayLabel',
    secret: 'VoiceService.1.VoiceProfile.1.Line.1.SIP.AuthPassword',
    ntp: 'X_DeviceManagement.TimeService.NTPServer1',
  },
};
