// Live countdowns: any element made by countdownEl() is refreshed by tickCountdowns() (once a second).
import { h } from '../dom.js';
import { formatCountdown, toDate } from '../format.js';

export function countdownEl(due, extraClass = '') {
  const date = toDate(due);
  if (!date) return h('span', { class: 'countdown none' }, 'нет сроков');
  const el = h('span', { class: `countdown ${extraClass}`.trim(), dataset: { due: date.toISOString() } });
  paint(el, new Date());
  return el;
}

function paint(el, now) {
  const { text, overdue } = formatCountdown(el.dataset.due, now);
  if (el.textContent !== text) el.textContent = text;
  el.classList.toggle('overdue', overdue);
}

export function tickCountdowns(root = document) {
  const now = new Date();
  root.querySelectorAll('.countdown[data-due]').forEach((el) => paint(el, now));
}
