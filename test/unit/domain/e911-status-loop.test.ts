import { describe, expect, it } from 'vitest';
import { closedLoop, type LoopInput } from '../../../server/domain/e911-status-loop.ts';

const done: LoopInput = {
  served: { file: '001565aabbcc.cfg', revision: 3 },
  configRevision: 3,
  appliedRevision: '3',
  sip: { registered: true },
  location: { name: 'Desk 41-02', status: 'registered' },
  alerts: [],
};

const states = (i: LoopInput) => closedLoop(i).map((s) => `${s.step}:${s.state}`);

describe('closedLoop', () => {
  it('is ok at every step for a served, applied, registered and located phone', () => {
    expect(states(done)).toEqual(['served:ok', 'applied:ok', 'registered:ok', 'located:ok']);
  });

  it('says what is missing for a phone nobody has heard from', () => {
    const steps = closedLoop({ served: null, configRevision: 1, appliedRevision: null, sip: null, location: null, alerts: [] });
    expect(steps.map((s) => s.state)).toEqual(['pending', 'pending', 'pending', 'failed']);
    expect(steps[3]?.reason).toMatch(/no location match/);
  });

  it('names an old applied revision, the registrar error and an unregistered location', () => {
    const steps = closedLoop({
      ...done,
      appliedRevision: '2',
      sip: { registered: false, lastError: 'registrar answered 403' },
      location: { name: 'Lobby', status: 'pending' },
    });
    expect(steps.map((s) => s.reason)).toEqual([
      null,
      'the phone applied revision 2; the current one is 3',
      'registrar answered 403',
      'location "Lobby" is pending, not registered for 911',
    ]);
  });

  it('keeps served pending while the phone has not fetched the current revision', () => {
    const steps = closedLoop({ ...done, configRevision: 4 });
    expect(steps[0]).toEqual({
      step: 'served',
      state: 'pending',
      reason: 'revision 3 was served; the current one is 4, which the phone has not fetched yet',
    });
    expect(steps[1]).toEqual({ step: 'applied', state: 'pending', reason: 'the phone applied revision 3; the current one is 4' });
  });

  it('keeps located pending while only the site default or stale evidence places the phone', () => {
    const steps = closedLoop({ ...done, alerts: [{ code: 'STALE_EVIDENCE', severity: 'alert', message: 'No network evidence for 400 s; the phone may have moved.' }] });
    expect(steps[3]).toEqual({ step: 'located', state: 'pending', reason: 'No network evidence for 400 s; the phone may have moved.' });
  });
});
