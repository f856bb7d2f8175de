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

// The first `limit` characters of a text, with an ellipsis when cut.
export function truncate(text, limit = 200) {
  const s = neutralise(text);
  return s.length > limit ? `${s.slice(0, limit).trimEnd()}…` : s;
}

// How urgent a case is now: its overdue deadlines (missed, or pending past due) first, then its nearest
// pending one. {overdue: [{key, stage, due, provisional}], next: {key, stage, due, provisional} | null,
// rank: number}: a lower rank is more urgent (overdue: by how long; else by the time left; none last).
export function urgency(caseDoc, now = new Date()) {
  const deadlines = Object.entries((caseDoc && caseDoc.deadlines) || {})
    .map(([key, d]) => ({
      key, stage: (d && d.stage) || key.split(':')[0], due: toDate(d && d.due), state: d && d.state, done: Boolean(d && d.met_at),
      provisional: ((d && d.provisional_years) || []).length > 0,
    }))
    .filter((d) => d.due);
  // Overdue: still owed past its due (missed and not done since, or pending past due); done late is history.
  const overdue = deadlines
    .filter((d) => (d.state === 'missed' && !d.done) || (d.state === 'pending' && d.due <= now))
    .sort((a, b) => a.due - b.due);
  const pending = deadlines.filter((d) => d.state === 'pending' && d.due > now).sort((a, b) => a.due - b.due);
  // `next_due` (kept by the backend, possibly a warning moment) only when no deadline is pending at all.
  const nextDue = !deadlines.some((d) => d.state === 'pending') && toDate(caseDoc && caseDoc.next_due);
  const next = pending[0] || (nextDue ? { key: null, stage: null, due: nextDue, provisional: false } : null);
  let rank = Number.MAX_SAFE_INTEGER;
  if (overdue.length) rank = overdue[0].due.getTime() - 1e15; // every overdue case before any other
  else if (next) rank = next.due.getTime();
  return { overdue, next, rank };
}

// Cases by urgency (the list's default order), the newest detected first among equals.
export function byUrgency(cases, now = new Date()) {
  const ranked = cases.map((c) => [urgency(c, now).rank, toDate(c.detected_at) || new Date(0), c]);
  ranked.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  return ranked.map(([, , c]) => c);
}

// Invisible and direction-changing characters in a citizen's text shown as visible marks, so that nothing
// hides or reorders what the message says (bidi overrides, zero-width characters, control characters).
const HIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u00AD\u061C\u115F\u1160\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFF9-\uFFFB]/g;

export function neutralise(text) {
  return String(text || '').replace(HIDDEN, (ch) => `[U+${ch.codePointAt(0).toString(16).toUpperCase().padStart(4, '0')}]`);
}

// Working minutes from `from` to `to` over working intervals ([[startMs, endMs], ...], sorted), or null
// when `to` lies beyond the intervals known (the caller then counts clock time).
export function workingMinutes(intervals, from, to) {
  const a = toDate(from).getTime();
  const b = toDate(to).getTime();
  if (!intervals.length || b > intervals[intervals.length - 1][1]) return null;
  let ms = 0;
  for (const [start, end] of intervals) {
    if (end <= a) continue;
    if (start >= b) break;
    ms += Math.min(end, b) - Math.max(start, a);
  }
  return Math.max(0, Math.round(ms / 60000));
}

// "осталось 3 ч 05 мин раб. времени"; past due: "просрочено на 1 д 2 ч 05 мин" (clock time, to the minute).
export function formatWorkLeft(minutes) {
  const h = Math.floor(minutes / 60);
  const m = String(minutes % 60).padStart(2, '0');
  return `осталось ${h ? `${h} ч ` : ''}${m} мин раб. времени`;
}

export function formatOverdue(due, now = new Date()) {
  const total = Math.max(0, Math.floor((toDate(now) - toDate(due)) / 60000));
  const d = Math.floor(total / 1440);
  const h = Math.floor((total % 1440) / 60);
  return `просрочено на ${d ? `${d} д ` : ''}${h ? `${h} ч ` : ''}${String(total % 60).padStart(2, '0')} мин`;
}
