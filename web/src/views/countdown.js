// Countdowns to deadlines, in working time: "осталось 3 ч 05 мин раб. времени" counted over the stage's
// calendar (the working intervals of the next weeks, GET /api/calendar), past due "просрочено на …" in
// clock time; the deadline itself is shown exactly beside them. Refreshed twice a minute, not every
// second (tickCountdowns). Before the calendar arrives, or beyond it, clock time is counted.
import { h } from '../dom.js';
import { formatCountdown, formatOverdue, formatWorkLeft, toDate, workingMinutes } from '../format.js';

let calendar = null; // {calendars: {curator: [[startMs, endMs]], agency: [...]}, stages: {stage: 'curator'|'agency'|'clock'}}

export function setWorkCalendar(data) {
  const parse = (list) => (list || []).map(([a, b]) => [new Date(a).getTime(), new Date(b).getTime()]);
  calendar = { calendars: { curator: parse(data.calendars.curator), agency: parse(data.calendars.agency) },
    stages: data.stages || {} };
}

export function countdownText(due, stage, now = new Date()) {
  const date = toDate(due);
  if (date <= now) return { text: formatOverdue(date, now), overdue: true };
  const which = calendar && stage ? calendar.stages[stage] : null;
  const minutes = which && which !== 'clock' ? workingMinutes(calendar.calendars[which] || [], now, date) : null;
  if (minutes === null) {
    const clock = formatCountdown(date, now);
    return { text: clock.text.replace(/:\d\d$/, ''), overdue: false }; // clock time, to the minute
  }
  return { text: formatWorkLeft(minutes), overdue: false };
}

export function countdownEl(due, extraClass = '', stage = '') {
  const date = toDate(due);
  if (!date) return h('span', { class: 'countdown none' }, 'нет сроков');
  const el = h('span', { class: `countdown ${extraClass}`.trim(), dataset: { due: date.toISOString(), stage } });
  paint(el, new Date());
  return el;
}

function paint(el, now) {
  const { text, overdue } = countdownText(el.dataset.due, el.dataset.stage, now);
  if (el.textContent !== text) el.textContent = text;
  el.classList.toggle('overdue', overdue);
}

export function tickCountdowns(root = document) {
  const now = new Date();
  root.querySelectorAll('.countdown[data-due]').forEach((el) => paint(el, now));
}
