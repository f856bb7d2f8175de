import assert from 'node:assert/strict';
import { test } from 'node:test';

import { formatOverdue, formatWorkLeft, workingMinutes } from '../src/format.js';
import { countdownText, setWorkCalendar } from '../src/views/countdown.js';

// Izhevsk (UTC+4): Monday 2 Feb 2026 09:00–13:00, 14:00–18:00, and Tuesday the same.
const iso = (d, hh) => `2026-02-0${d}T${String(hh).padStart(2, '0')}:00:00+04:00`;
const DAYS = [[iso(2, 9), iso(2, 13)], [iso(2, 14), iso(2, 18)], [iso(3, 9), iso(3, 13)], [iso(3, 14), iso(3, 18)]];
const MS = DAYS.map(([a, b]) => [new Date(a).getTime(), new Date(b).getTime()]);

test('working minutes skip the lunch break and the night', () => {
  assert.equal(workingMinutes(MS, iso(2, 12), iso(2, 15)), 120); // 12–13 and 14–15
  assert.equal(workingMinutes(MS, iso(2, 17), iso(3, 10)), 120); // 17–18 and 9–10
  assert.equal(workingMinutes(MS, iso(2, 20), iso(2, 22)), 0);
  assert.equal(workingMinutes(MS, iso(3, 9), '2026-02-05T10:00:00+04:00'), null); // beyond what is known
});

test('the countdown says working time left, and clock time when overdue', () => {
  assert.equal(formatWorkLeft(185), 'осталось 3 ч 05 мин раб. времени');
  assert.equal(formatWorkLeft(7), 'осталось 07 мин раб. времени');
  assert.equal(formatOverdue(iso(2, 9), '2026-02-03T11:05:00+04:00'), 'просрочено на 1 д 2 ч 05 мин');
  setWorkCalendar({ calendars: { curator: DAYS, agency: DAYS }, stages: { route: 'curator', answer: 'agency', x: 'clock' } });
  const evening = new Date(iso(2, 17));
  assert.deepEqual(countdownText(iso(3, 10), 'route', evening), { text: 'осталось 2 ч 00 мин раб. времени', overdue: false });
  assert.equal(countdownText(iso(3, 10), 'x', evening).text, 'осталось 17:00'); // a clock-time stage: hours and minutes
  assert.deepEqual(countdownText(iso(2, 16), 'route', evening), { text: 'просрочено на 1 ч 00 мин', overdue: true });
});
