import { describe, expect, it } from 'vitest';
import type { PhoneLogEvent } from '../../../server/services/phone-answers.ts';
import { createPhoneFetchProblems } from '../../../server/services/phone-fetch-problems.ts';

const AT = new Date('2026-03-02T09:00:00Z');
const event = (extra: Partial<PhoneLogEvent>): PhoneLogEvent => ({
  event: 'deskprov.phone',
  outcome: 'refused',
  file: '001565aabbcc.cfg',
  ip: '10.0.0.9',
  transport: 'http',
  status: 401,
  mac: '001565aabbcc',
  ...extra,
});

describe('phone fetch problems', () => {
  it('remembers the last failure of a known phone in installer words and forgets it once a file is served', () => {
    const problems = createPhoneFetchProblems(() => AT);
    problems.observe(event({ reason: 'wrong credentials' }));
    expect(problems.of('001565aabbcc')).toEqual({
      reason: 'the phone sent bad credentials (wrong HTTP user name or password)',
      file: '001565aabbcc.cfg',
      at: AT.toISOString(),
    });
    problems.observe(event({ outcome: 'served', status: 200 }));
    expect(problems.of('001565aabbcc')).toBeNull();
  });

  it('ignores the unauthenticated first leg of a Digest exchange and answers without a MAC', () => {
    const problems = createPhoneFetchProblems(() => AT);
    problems.observe(event({ reason: 'credentials required' }));
    problems.observe(event({ reason: 'no credentials' }));
    const { mac: _mac, ...noMac } = event({ reason: 'wrong credentials' });
    problems.observe(noMac);
    expect(problems.of('001565aabbcc')).toBeNull();
  });

  it('records render errors with the message, which names the key and never the value', () => {
    const problems = createPhoneFetchProblems(() => AT);
    problems.renderFailed('001565aabbcc', '001565aabbcc.cfg', 'raw key features.x holds a control character');
    expect(problems.of('001565aabbcc')?.reason).toBe('render error: raw key features.x holds a control character');
  });
});
