// Surges of social activity (§22): for curators and supervisors, the episodes of the last week, the
// ongoing ones first. Each names where the messages come from, since when, how many, against what is
// usual at these hours, and lists its messages (each opens its case). A link #surge=<id> (the letter's,
// the notification's) opens that one.
import { h } from '../dom.js';
import { formatSamara, toDate, truncate } from '../format.js';

export function renderSurges(root, surges, { openId, onOpenCase, caseOf = () => null, now = new Date() }) {
  if (!surges.length) {
    root.replaceChildren();
    root.hidden = true;
    return;
  }
  root.hidden = false;
  const ongoing = (s) => (toDate(s.quiet_until) || 0) > now;
  const sorted = [...surges].sort((a, b) => Number(ongoing(b)) - Number(ongoing(a))
    || (toDate(b.last_at) || 0) - (toDate(a.last_at) || 0));
  const active = sorted.filter(ongoing).length;
  const items = sorted.map((s) => {
    const ids = s.case_ids || [];
    return h('details', { class: `surge${ongoing(s) ? ' ongoing' : ''}`, id: `surge-${s.id}`, open: s.id === openId },
      h('summary', {},
        h('strong', {}, ongoing(s) ? 'Идёт: ' : 'Завершился: '), (s.labels || [s.label]).join('; '),
        h('span', { class: 'muted small' }, ` — с ${formatSamara(s.started_at)}, сообщений: ${ids.length}, `
          + `пик: ${s.peak} за окно (обычно ${Number(s.baseline || 0).toFixed(1)})`)),
      h('ul', { class: 'surge-cases' }, ids.map((id) => {
        const known = caseOf(id); // the message's words when the case is in the loaded list
        return h('li', {},
          h('a', { href: `#case=${encodeURIComponent(id)}`, dataset: { caseId: id },
            onclick: (ev) => { ev.preventDefault(); onOpenCase(id); } },
          known ? `${formatSamara(known.detected_at)} — ${truncate((known.message || {}).text, 110)}` : id));
      })));
  });
  root.replaceChildren(h('details', { open: Boolean(openId) || active > 0 },
    h('summary', {}, `Повышенная социальная активность (п. 22): ${active ? `идёт ${active}` : 'сейчас нет'}, `
      + `за неделю: ${surges.length}`),
    items));
  if (openId) {
    const el = root.querySelector(`#surge-${CSS.escape(openId)}`);
    if (el) el.scrollIntoView({ block: 'nearest' });
  }
}
