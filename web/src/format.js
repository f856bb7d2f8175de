// Pure formatting helpers: Izhevsk (Europe/Samara) time and deadline countdowns. No DOM, no Firebase:
// tested with `node --test web/test/`.

import { ZONE } from './generated/vocabulary.js';

export const TIME_ZONE = ZONE;

const samaraFormat = new Intl.DateTimeFormat('ru-RU', {
  timeZone: TIME_ZONE, day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit',
});

// A Firestore Timestamp, {seconds, nanoseconds}, a Date, an ISO string or epoch milliseconds -> Date.
export function toDate(value) {
  if (value === null || value === undefined || value === '') return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value.toDate === 'function') return value.toDate();
  if (typeof value === 'object' && typeof value.seconds === 'number') {
    return new Date(value.seconds * 1000 + Math.floor((value.nanoseconds || 0) / 1e6));
  }
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

// "05.03.2026, 14:30" in Izhevsk time, whatever the browser's zone; "—" for no value.
export function formatSamara(value) {
  const date = toDate(value);
  return date ? samaraFormat.format(date) : '—';
}

const pad = (n) => String(n).padStart(2, '0');

// Time left until `due` as "2 д 03:04:05" / "03:04:05"; past due: overdue, with the time since.
export function formatCountdown(due, now = new Date()) {
  const dueDate = toDate(due);
  const nowDate = toDate(now);
  if (!dueDate || !nowDate) return { text: '', overdue: false, seconds: null };
  const diff = Math.floor((dueDate.getTime() - nowDate.getTime()) / 1000);
  const overdue = diff < 0;
  let rest = Math.abs(diff);
  const days = Math.floor(rest / 86400);
  rest %= 86400;
  const clock = `${pad(Math.floor(rest / 3600))}:${pad(Math.floor((rest % 3600) / 60))}:${pad(rest % 60)}`;
  const span = days > 0 ? `${days} д ${clock}` : clock;
  return { text: overdue ? `просрочено на ${span}` : `осталось ${span}`, overdue, seconds: diff };
}

// The case's nearest pending deadline: {key, stage, due: Date, provisional} or null. The earliest pending entry of
// `deadlines`; `next_due` (kept by the backend, possibly a warning moment) only when there is none.
export function nearestDeadline(caseDoc) {
  const deadlines = (caseDoc && caseDoc.deadlines) || {};
  const pending = Object.entries(deadlines)
    .filter(([, d]) => d && d.state === 'pending' && toDate(d.due))
    .map(([key, d]) => ({
      key, stage: d.stage || key.split(':')[0], due: toDate(d.due), provisional: (d.provisional_years || []).length > 0,
    }))
    .sort((a, b) => a.due - b.due || a.key.localeCompare(b.key));
  if (pending.length) return pending[0];
  const nextDue = toDate(caseDoc && caseDoc.next_due);
  return nextDue ? { key: null, stage: null, due: nextDue } : null;
}

// The first `limit` characters of a text, with an ellipsis when cut.
export function truncate(text, limit = 200) {
  const s = String(text || '');
  return s.length > limit ? `${s.slice(0, limit).trimEnd()}…` : s;
}
