import assert from 'node:assert/strict';
import { test } from 'node:test';

import { byUrgency, neutralise, truncate, urgency } from '../src/format.js';

const NOW = new Date('2026-12-02T08:00:00Z');
const at = (h) => new Date(NOW.getTime() + h * 3600e3).toISOString();

test('a missed deadline, or a pending one past due, makes a case overdue', () => {
  const neverRouted = { deadlines: {
    route: { stage: 'route', state: 'missed', due: at(-30) },
    answer: { stage: 'answer', state: 'missed', due: at(-5) },
    draft: { stage: 'draft', state: 'pending', due: at(-1) },
  } };
  const u = urgency(neverRouted, NOW);
  assert.deepEqual(u.overdue.map((d) => d.key), ['route', 'answer', 'draft']);
  assert.equal(u.next, null);
  const later = { deadlines: { route: { state: 'missed', due: at(-2) }, publish: { state: 'pending', due: at(3) } } };
  assert.equal(urgency(later, NOW).overdue.length, 1);
  assert.equal(urgency(later, NOW).next.key, 'publish');
  assert.equal(urgency({ deadlines: { route: { state: 'met', due: at(-2) } } }, NOW).overdue.length, 0);
  // Missed, then done late (routed after its hour): history, no longer overdue.
  assert.equal(urgency({ deadlines: { route: { state: 'missed', due: at(-5), met_at: at(-4) } } }, NOW).overdue.length, 0);
});

test('the list puts the most overdue first, then the nearest deadline, then cases without one', () => {
  const c = (id, deadlines, detected = at(-1)) => ({ id, detected_at: detected, deadlines });
  const cases = [
    c('quiet', {}),
    c('soon', { route: { state: 'pending', due: at(1) } }),
    c('late', { route: { state: 'missed', due: at(-3) } }),
    c('later', { answer: { state: 'pending', due: at(20) } }),
    c('very-late', { route: { state: 'pending', due: at(-10) } }),
    c('quiet-new', {}, at(-0.5)),
  ];
  assert.deepEqual(byUrgency(cases, NOW).map((x) => x.id), ['very-late', 'late', 'soon', 'later', 'quiet-new', 'quiet']);
});

test('hidden and direction-changing characters are shown, not obeyed', () => {
  assert.equal(neutralise('Платёж\u202Eвозврат'), 'Платёж[U+202E]возврат');
  assert.equal(neutralise('a\u200Bb\uFEFFc'), 'a[U+200B]b[U+FEFF]c');
  assert.equal(neutralise('строка\nвторая\tтаб'), 'строка\nвторая\tтаб');
  assert.equal(truncate('\u2066x\u2069', 50), '[U+2066]x[U+2069]');
});
