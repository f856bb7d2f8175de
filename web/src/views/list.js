// The live case list: one row per case, newest first, with a ticking countdown to the nearest deadline.
import { h } from '../dom.js';
import { formatSamara, nearestDeadline, truncate } from '../format.js';
import { NETWORK_LABELS, STAGE_LABELS, STATE_LABELS } from '../labels.js';
import { countdownEl } from './countdown.js';

export function renderList(root, cases, { selectedId, onOpen }) {
  const rows = cases.map((c) => {
    const next = nearestDeadline(c);
    const msg = c.message || {};
    return h('tr', {
      class: `case-row${c.id === selectedId ? ' selected' : ''}`,
      dataset: { caseId: c.id, state: c.state },
      tabindex: '0',
      onclick: () => onOpen(c.id),
      onkeydown: (ev) => { if (ev.key === 'Enter') onOpen(c.id); },
    },
    h('td', {}, h('span', { class: `state state-${c.state}` }, STATE_LABELS[c.state] || c.state),
      c.significant ? h('span', { class: 'badge significant', title: 'Социально значимое' }, '!') : null,
      c.exclusion && !c.exclusion.dismissed_at && !c.exclusion.reversed_at
        ? h('span', { class: 'badge flag', title: 'Отметка о недопустимом содержании' }, '§19') : null),
    h('td', { class: 'text' }, truncate(msg.text, 200)),
    h('td', {}, NETWORK_LABELS[msg.network] || msg.network || '—'),
    h('td', { class: 'nowrap' }, formatSamara(c.detected_at)),
    h('td', { class: 'nowrap' }, countdownEl(next && next.due),
      next && next.stage ? h('div', { class: 'muted small' }, STAGE_LABELS[next.stage] || next.stage,
        next.provisional ? h('span', { class: 'badge provisional', title: 'Срок предварительный: нет производственного календаря' }, 'предв.') : null) : null));
  });
  const table = h('table', { class: 'cases' },
    h('thead', {}, h('tr', {}, ['Состояние', 'Сообщение', 'Сеть', 'Выявлено (Ижевск)', 'Ближайший срок']
      .map((t) => h('th', {}, t)))),
    h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: '5', class: 'muted' }, 'Обращений нет'))));
  root.replaceChildren(h('div', { class: 'list-head' }, h('h2', {}, 'Обращения'),
    h('span', { class: 'muted', id: 'case-count' }, `показано: ${cases.length}`)), table);
}
