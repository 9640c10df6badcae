import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  deviceProgress,
  firmwareChoice,
  haltCause,
  stepRollout,
  type DeviceFacts,
  type RolloutPlan,
  type RolloutState,
} from '../../../server/domain/firmware-rollout.ts';

const T0 = Date.parse('2026-03-03T01:00:00Z');
const min = (n: number) => new Date(T0 + n * 60_000);

const PLAN: RolloutPlan = {
  rings: [{ name: 'canary', devices: 1 }, { name: 'early', percent: 50 }, { name: 'all' }],
  path: [
    { version: '2.0', file: 'b.rom' },
    { version: '3.0', file: 'c.rom' },
  ],
  soakMinutes: 30,
  halt: { noReturnMinutes: 20, maxRegistrationLossRate: 0.25 },
  revert: { version: '1.0', file: 'a.rom' },
};

const START: RolloutState = { status: 'active', ring: 0, ringStartedAt: min(0).toISOString(), ringCompletedAt: null, haltReason: null };

const device = (id: string, ring: number, version: string | null, extra: Partial<DeviceFacts> = {}): DeviceFacts => ({
  deviceId: id,
  ring,
  version,
  offered: null,
  registered: null,
  ...extra,
});

describe('device progress', () => {
  it.each([
    [device('a', 0, '3.0'), 'done'],
    [device('a', 0, '1.0'), 'waiting'],
    [device('a', 0, null), 'waiting'],
    [device('a', 0, '1.0', { offered: { version: '2.0', at: min(0).toISOString() } }), 'offered'],
    [device('a', 0, '2.0', { offered: { version: '2.0', at: min(0).toISOString() } }), 'upgraded'],
  ])('classifies %j at minute 10 as %s', (facts, state) => {
    expect(deviceProgress(PLAN, facts, min(10))).toBe(state);
  });

  it('calls a device gone once it has not come back on the offered release within the limit', () => {
    const offered = device('a', 0, '1.0', { offered: { version: '2.0', at: min(0).toISOString() } });
    expect(deviceProgress(PLAN, offered, min(19))).toBe('offered');
    expect(deviceProgress(PLAN, offered, min(20))).toBe('no-return');
  });
});

describe('rollout steps', () => {
  it('opens the rings in order: each after the one before is at the target and the soak has passed', () => {
    const fleet = [device('c', 0, '3.0'), device('e', 1, '1.0'), device('x', 2, '1.0')];
    const one = stepRollout(PLAN, START, fleet, min(1));
    expect(one.decisions).toEqual([{ action: 'rollout.ring-completed', ring: 0 }]);
    expect(stepRollout(PLAN, one.state, fleet, min(30)).decisions).toEqual([]);
    const two = stepRollout(PLAN, one.state, fleet, min(31));
    expect(two.decisions).toEqual([{ action: 'rollout.ring-started', ring: 1 }]);
    expect(two.state).toMatchObject({ ring: 1, ringCompletedAt: null, ringStartedAt: min(31).toISOString() });
    // Ring 1 not at the target yet: nothing moves.
    expect(stepRollout(PLAN, two.state, fleet, min(90)).decisions).toEqual([]);
    const done = fleet.map((d) => ({ ...d, version: '3.0' }));
    const three = stepRollout(PLAN, stepRollout(PLAN, two.state, done, min(91)).state, done, min(121));
    expect(three.state.ring).toBe(2);
    const last = stepRollout(PLAN, three.state, done, min(122));
    expect(last.decisions).toEqual([{ action: 'rollout.ring-completed', ring: 2 }, { action: 'rollout.completed' }]);
    expect(last.state.status).toBe('completed');
  });

  it('lets a device unseen for longer than absentAfterMinutes stop holding its ring open, when the plan allows it', () => {
    const plan = { ...PLAN, halt: { ...PLAN.halt, absentAfterMinutes: 60 } };
    const gone = device('g', 0, '1.0', { lastSeenAt: min(0).toISOString() });
    const fleet = [device('c', 0, '3.0'), gone];
    expect(deviceProgress(plan, gone, min(59))).toBe('waiting');
    expect(deviceProgress(plan, gone, min(60))).toBe('absent');
    expect(deviceProgress(plan, device('n', 0, null), min(0))).toBe('absent');
    expect(stepRollout(plan, START, fleet, min(59)).decisions).toEqual([]);
    expect(stepRollout(plan, START, fleet, min(60)).decisions).toEqual([{ action: 'rollout.ring-completed', ring: 0 }]);
    // Without the option every device must finish, however long it has been away.
    expect(stepRollout(PLAN, START, fleet, min(10_000)).decisions).toEqual([]);
    // An offered device is never "absent": not coming back is the halt rule's business.
    expect(deviceProgress(plan, { ...gone, offered: { version: '2.0', at: min(0).toISOString() } }, min(70))).toBe('no-return');
  });

  it('completes an empty ring at once', () => {
    const step = stepRollout(PLAN, START, [device('x', 2, '1.0')], min(1));
    expect(step.decisions).toEqual([{ action: 'rollout.ring-completed', ring: 0 }]);
  });

  it('halts when an offered device does not come back, naming it', () => {
    const fleet = [device('c', 0, '1.0', { offered: { version: '2.0', at: min(0).toISOString() } }), device('x', 2, '1.0')];
    expect(stepRollout(PLAN, START, fleet, min(10)).decisions).toEqual([]);
    const step = stepRollout(PLAN, START, fleet, min(25));
    expect(step.state).toMatchObject({ status: 'halted', haltReason: expect.stringMatching(/did not come back/) });
    expect(step.decisions).toEqual([expect.objectContaining({ action: 'rollout.halted', ring: 0, devices: ['c'] })]);
  });

  it('halts when upgraded devices lose registration above the threshold, not at it', () => {
    const state = { ...START, ring: 1 };
    const fleet = (lost: number) =>
      Array.from({ length: 4 }, (_, i) => device(`d${i}`, 1, '3.0', { registered: i >= lost }));
    expect(haltCause(PLAN, state, fleet(1), min(1))).toBeNull();
    expect(haltCause(PLAN, state, fleet(2), min(1))).toMatchObject({ devices: ['d0', 'd1'] });
    // Devices of rings not yet open do not count.
    expect(haltCause(PLAN, START, fleet(4), min(1))).toBeNull();
  });

  it('leaves halted and completed rollouts alone', () => {
    const halted = { ...START, status: 'halted' as const, haltReason: 'x' };
    expect(stepRollout(PLAN, halted, [device('c', 0, '3.0')], min(1))).toEqual({ state: halted, decisions: [] });
  });
});

describe('firmware choice', () => {
  const state = { ...START, ring: 1 };
  it.each<[number, string | null, boolean, string | null, string]>([
    [0, '1.0', true, '2.0', 'open ring inside the window: the next hop'],
    [1, '2.0', true, '3.0', 'second hop after the first was installed'],
    [1, '3.0', true, null, 'at the target: nothing'],
    [2, '1.0', true, null, 'ring not open yet: keeps its version'],
    [0, '1.0', false, null, 'outside the window: keeps its version'],
    [0, null, true, null, 'version unknown: nothing rather than a guess'],
  ])('ring %i on %s (window open %s) gets %s: %s', (ring, current, open, version) => {
    expect(firmwareChoice(PLAN, state, ring, current, open)?.version ?? null).toBe(version);
  });

  it('points halted rings at the revert release, inside or outside the window, and others at nothing', () => {
    const halted = { ...state, status: 'halted' as const };
    expect(firmwareChoice(PLAN, halted, 1, '2.0', false)).toEqual(PLAN.revert);
    expect(firmwareChoice(PLAN, halted, 2, '1.0', true)).toBeNull();
    expect(firmwareChoice({ ...PLAN, revert: null }, halted, 0, '2.0', true)).toBeNull();
  });
});

describe('rollout invariants', () => {
  it('never moves a ring backwards, opens rings one at a time, and completes only after the last ring', () => {
    const versions = ['1.0', '2.0', '3.0', null] as const;
    const fleetArb = fc.array(
      fc.record({ ring: fc.integer({ min: 0, max: 2 }), version: fc.constantFrom(...versions), registered: fc.constantFrom(true, null) }),
      { maxLength: 12 },
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fleetArb, fc.integer({ min: 0, max: 120 })), { minLength: 1, maxLength: 20 }), (steps) => {
        let state: RolloutState = START;
        let minute = 0;
        for (const [fleet, wait] of steps) {
          minute += wait;
          const facts = fleet.map((d, i) => device(`d${i}`, d.ring, d.version, { registered: d.registered }));
          const next = stepRollout(PLAN, state, facts, min(minute)).state;
          expect(next.ring - state.ring).toBeGreaterThanOrEqual(0);
          expect(next.ring - state.ring).toBeLessThanOrEqual(1);
          if (next.status === 'completed') expect(next.ring).toBe(PLAN.rings.length - 1);
          if (state.status !== 'active') expect(next).toEqual(state);
          state = next;
        }
      }),
    );
  });
});
