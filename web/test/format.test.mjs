import assert from 'node:assert/strict';
import { test } from 'node:test';

import { formatCountdown, formatSamara, toDate, truncate, urgency } from '../src/format.js';
import { availableCommands } from '../src/workflow.js';

test('formatSamara shows Izhevsk time (UTC+4) whatever the input offset', () => {
  assert.equal(formatSamara('2023-02-22T12:30:00Z'), '22.02.2023, 16:30');
  assert.equal(formatSamara('2023-02-22T15:30:00+03:00'), '22.02.2023, 16:30');
  assert.equal(formatSamara({ seconds: Date.UTC(2023, 1, 27, 5, 30) / 1000, nanoseconds: 0 }), '27.02.2023, 09:30');
  assert.equal(formatSamara(null), '—');
});

test('toDate accepts Firestore-like timestamps', () => {
  const d = new Date('2024-01-01T00:00:00Z');
  assert.equal(toDate({ toDate: () => d }), d);
  assert.equal(toDate('not a date'), null);
});

test('formatCountdown counts down to the deadline', () => {
  const now = new Date('2024-03-01T10:00:00Z');
  assert.deepEqual(formatCountdown('2024-03-01T11:02:03Z', now), { text: 'осталось 01:02:03', overdue: false, seconds: 3723 });
  assert.equal(formatCountdown('2024-03-03T11:00:00Z', now).text, 'осталось 2 д 01:00:00');
  assert.equal(formatCountdown(now, now).overdue, false);
});

test('formatCountdown marks an overdue deadline', () => {
  const now = new Date('2024-03-01T10:00:05Z');
  const c = formatCountdown('2024-03-01T10:00:00Z', now);
  assert.equal(c.overdue, true);
  assert.equal(c.text, 'просрочено на 00:00:05');
  assert.equal(formatCountdown('2024-02-28T09:00:00Z', now).text, 'просрочено на 2 д 01:00:05');
});

const BEFORE = new Date('2024-03-01T00:00:00Z'); // before every deadline below
const nearestDeadline = (caseDoc) => urgency(caseDoc, BEFORE).next;

test('the nearest deadline is the earliest pending one, next_due only without one', () => {
  const deadlines = {
    answer: { stage: 'answer', due: '2024-03-04T14:00:00Z', state: 'pending' },
    route: { stage: 'route', due: '2024-03-01T06:00:00Z', state: 'met' },
    draft: { stage: 'draft', due: '2024-03-04T10:00:00Z', state: 'pending' },
    'joint_contribution:minfin': { stage: 'joint_contribution', due: '2024-03-02T10:00:00Z', state: 'cancelled' },
  };
  assert.equal(nearestDeadline({ deadlines }).key, 'draft');
  assert.equal(nearestDeadline({ deadlines, next_due: '2024-03-04T09:00:00Z' }).stage, 'draft');
  assert.equal(nearestDeadline({ deadlines: {}, next_due: '2024-03-04T14:00:00Z' }).due.toISOString(),
    '2024-03-04T14:00:00.000Z');
  assert.equal(nearestDeadline({ deadlines: { route: { stage: 'route', due: '2024-03-01T06:00:00Z', state: 'met' } } }), null);
});

test('the nearest deadline says whether it is provisional', () => {
  const deadlines = {
    answer: { stage: 'answer', due: '2028-01-10T06:00:00Z', state: 'pending', provisional_years: [2028] },
    route: { stage: 'route', due: '2027-12-29T07:00:00Z', state: 'pending' },
  };
  assert.equal(nearestDeadline({ deadlines }).provisional, false);
  delete deadlines.route;
  assert.equal(nearestDeadline({ deadlines }).provisional, true);
});

test('truncate cuts at the limit with an ellipsis', () => {
  assert.equal(truncate('abc', 5), 'abc');
  assert.equal(truncate('abcdef', 3), 'abc…');
  assert.equal(truncate(undefined), '');
});

test('availableCommands follows role, state and agency', () => {
  const curator = { role: 'curator' };
  const names = (c, me) => availableCommands(c, me).map((x) => x.name);
  assert.deepEqual(names({ state: 'detected' }, curator),
    ['route', 'link_repeat', 'flag_exclusion', 'confirm_exclusion', 'mark_significant', 'dismiss']);
  assert.deepEqual(names({ state: 'dismissed' }, curator), ['reopen']);
  const executor = { role: 'executor', agency_id: 'mintrans' };
  const assigned = { state: 'assigned', agency_id: 'mintrans', agency_ids: ['mintrans'] };
  assert.deepEqual(names(assigned, executor), ['accept', 'return_not_competent', 'flag_exclusion']);
  assert.deepEqual(names({ ...assigned, agency_id: 'minstroy', agency_ids: ['mintrans', 'minstroy'] }, executor),
    ['flag_exclusion']);
  assert.deepEqual(names({ state: 'in_review' }, { role: 'supervisor' }), []);
  const working = { state: 'in_progress', agency_id: 'mintrans', agency_ids: ['mintrans'], route_order: ['mintrans'] };
  assert.ok(!names(working, executor).includes('contribute')); // one agency: no joint answer to contribute to
  assert.ok(names({ ...working, route_order: ['mintrans', 'minstroy'] }, executor).includes('contribute'));
  assert.ok(!names({ ...working, route_order: ['minstroy', 'mintrans'] }, executor).includes('contribute'));
  const progressing = { state: 'in_progress', answers: [] };
  assert.ok(!names(progressing, curator).includes('request_intermediate'));
  assert.ok(names({ ...progressing, answers: [{ intermediate: true }] }, curator).includes('request_intermediate'));
  assert.ok(!names({ ...progressing, answers: [{ intermediate: true }], another_intermediate: true }, curator)
    .includes('request_intermediate'));
  assert.ok(names({ state: 'detected', exclusion: { reason: 'x', flagged_at: 't' } }, curator).includes('dismiss_exclusion'));
});
