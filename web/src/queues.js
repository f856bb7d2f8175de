// The work queues of the case list, as data (no Firebase here; tested with `node --test web/test/`): for
// each role, the queues a person works from, each a Firestore query: equality / range filters and one
// order. An agency's staff's queries always carry `agency_ids array-contains <agency>`, as firestore.rules
// demand. The composite indexes they need in production are in firestore.indexes.json.

const EPOCH = new Date(0);

// The end of the local (Izhevsk) day of `now`, as an instant.
export function endOfLocalDay(now, timeZone = 'Europe/Samara') {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-CA', {
    timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(now).map((p) => [p.type, p.value]));
  const sinceMidnight = (Number(parts.hour) * 3600 + Number(parts.minute) * 60 + Number(parts.second)) * 1000;
  return new Date(now.getTime() - sinceMidnight - now.getMilliseconds() + 86400e3);
}

export function queuesFor(me, now = new Date()) {
  if (!me) return [];
  if (me.role === 'curator' || me.role === 'supervisor') {
    return [
      { id: 'all', label: 'Все', where: [], order: ['detected_at', 'desc'] },
      { id: 'to_route', label: 'К направлению', where: [['state', '==', 'detected']], order: ['next_due', 'asc'] },
      { id: 'to_pass_on', label: 'Общий ответ: передать', where: [['state', '==', 'contributed']], order: ['next_due', 'asc'] },
      { id: 'to_review', label: 'На согласовании', where: [['state', '==', 'in_review']], order: ['next_due', 'asc'] },
      { id: 'overdue', label: 'Просроченные', where: [['overdue_since', '>', EPOCH]], order: ['overdue_since', 'asc'] },
      {
        id: 'due_today', label: 'Срок сегодня',
        where: [['next_due', '>=', now], ['next_due', '<', endOfLocalDay(now)]], order: ['next_due', 'asc'],
      },
      { id: 'significant', label: 'Значимые (п. 22)', where: [['significant.at', '>', EPOCH]], order: ['significant.at', 'desc'] },
      // Triage's suggestion (docs/triage.md): new messages it reads as significant, the likeliest first.
      {
        id: 'maybe_significant', label: 'Возможно значимые',
        where: [['triage.significant', '==', true], ['state', '==', 'detected']], order: ['triage.significance', 'desc'],
      },
      { id: 'set_aside', label: 'Исключённые и без реагирования', where: [['state', 'in', ['excluded', 'dismissed']]], order: ['detected_at', 'desc'] },
    ];
  }
  if ((me.role === 'executor' || me.role === 'agency_lead') && me.agency_id) {
    const ours = ['agency_ids', 'array-contains', me.agency_id];
    const withUs = ['agency_id', '==', me.agency_id];
    return [
      { id: 'new', label: 'Новые для нас', where: [ours, withUs, ['state', '==', 'assigned']], order: ['next_due', 'asc'] },
      { id: 'mine', label: 'Мои', where: [ours, ['executor_uid', '==', me.uid]], order: ['detected_at', 'desc'] },
      { id: 'to_rework', label: 'На доработке', where: [ours, withUs, ['state', '==', 'rework']], order: ['next_due', 'asc'] },
      { id: 'to_publish', label: 'К размещению', where: [ours, withUs, ['state', '==', 'approved']], order: ['next_due', 'asc'] },
      { id: 'overdue', label: 'Просроченные', where: [ours, ['overdue_since', '>', EPOCH]], order: ['overdue_since', 'asc'] },
      { id: 'all', label: 'Все нашего органа', where: [ours], order: ['detected_at', 'desc'] },
    ];
  }
  return [];
}

// A search as the case's `search_words` hold it (cases/documents.py): lower-case words of letters and
// digits, "ё" as "е", each cut to 5 letters. The query asks Firestore for the longest word (one
// array-contains); the others are checked on the rows it returns.
const STEM = 5;

export function searchWords(text) {
  const tokens = String(text || '').toLowerCase().replace(/ё/g, 'е').match(/[0-9a-zа-я][0-9a-zа-я_-]*/g) || [];
  const words = tokens.flatMap((t) => (/^([a-z]+-[0-9a-z_]+|\d{4}-\d+)$/.test(t) ? [t] // a case id or number, whole
    : t.split(/[-_]/).filter((w) => w.length >= 2).map((w) => w.slice(0, STEM))));
  return [...new Set(words)];
}

export function searchQuery(text) {
  const words = searchWords(text);
  if (!words.length) return null;
  const longest = [...words].sort((a, b) => b.length - a.length)[0];
  return { word: longest, words };
}

export function matchesSearch(caseDoc, words) {
  const have = new Set(caseDoc.search_words || []);
  return words.every((w) => have.has(w));
}

// The start of a local (Izhevsk) calendar day 'YYYY-MM-DD', as an instant.
export function startOfLocalDay(isoDate, timeZone = 'Europe/Samara') {
  return new Date(endOfLocalDay(new Date(`${isoDate}T12:00:00Z`), timeZone).getTime() - 86400e3);
}

// The filters a curator adds to any queue: `f` = {state, agency, network, municipality, from, to} (each
// optional; dates 'YYYY-MM-DD', Izhevsk days, both included). Each becomes a clause of the queue's own query,
// so the page and its count agree; a filter on a field the queue already constrains with an equality or
// array test (the state of «К направлению», a search's words) is checked on the rows instead (`check`).
export function withFilters(queue, f = {}) {
  const where = [...queue.where];
  const checks = [];
  const constrains = (field, ops) => where.some(([name, op]) => name === field && ops.includes(op));
  if (f.state) {
    if (constrains('state', ['==', 'in'])) checks.push((c) => c.state === f.state);
    else where.push(['state', '==', f.state]);
  }
  if (f.agency) {
    if (where.some(([, op]) => op === 'array-contains')) checks.push((c) => (c.agency_ids || []).includes(f.agency));
    else where.push(['agency_ids', 'array-contains', f.agency]);
  }
  if (f.network) where.push(['message.network', '==', f.network]);
  if (f.municipality) where.push(['municipality_id', '==', f.municipality]);
  if (f.from) where.push(['detected_at', '>=', startOfLocalDay(f.from)]);
  if (f.to) where.push(['detected_at', '<', new Date(startOfLocalDay(f.to).getTime() + 86400e3)]);
  const active = Object.values(f).some(Boolean);
  return {
    ...queue, where, check: checks.length ? (c) => checks.every((fn) => fn(c)) : null, filtered: active,
  };
}
