// The live case list: one row per case, the most urgent first (overdue cases, most overdue first, in red;
// then by the nearest deadline), or the newest first; a ticking countdown to the nearest deadline.
// For curators (`bulk`), detected messages can be selected and dismissed together as needing no reaction.
import { h } from '../dom.js';
import { byUrgency, formatSamara, truncate, urgency } from '../format.js';
import { AGENCY_ROLES, NETWORK_LABELS, STAGE_LABELS, STATE_LABELS } from '../labels.js';
import { countdownEl } from './countdown.js';

export function renderList(root, cases, {
  selectedId, onOpen, bulk = null, me = null, order = 'urgency', onOrder = null, now = new Date(),
}) {
  const selectable = (c) => bulk && c.state === 'detected';
  if (bulk) [...bulk.selected].forEach((id) => { if (!cases.some((c) => c.id === id && selectable(c))) bulk.selected.delete(id); });
  const sorted = order === 'urgency' ? byUrgency(cases, now) : cases;
  let overdueCount = 0;
  const rows = sorted.map((c) => {
    const u = urgency(c, now);
    const late = u.overdue.length > 0;
    overdueCount += late;
    const msg = c.message || {};
    return h('tr', {
      class: `case-row${c.id === selectedId ? ' selected' : ''}${late ? ' overdue' : ''}`,
      dataset: { caseId: c.id, state: c.state },
      tabindex: '0',
      onclick: () => onOpen(c.id),
      onkeydown: (ev) => { if (ev.key === 'Enter' && ev.target === ev.currentTarget) onOpen(c.id); },
    },
    bulk ? h('td', { class: 'pick', onclick: (ev) => ev.stopPropagation() }, selectable(c) ? h('input', {
      type: 'checkbox', class: 'pick-case', checked: bulk.selected.has(c.id), 'aria-label': `Выбрать обращение ${c.number || c.id}`,
      onchange: (ev) => { if (ev.target.checked) bulk.selected.add(c.id); else bulk.selected.delete(c.id); paintBar(); },
    }) : null) : null,
    h('td', { class: 'nowrap mono small case-number' }, c.number || ''),
    h('td', {}, h('span', { class: `state state-${c.state}` }, STATE_LABELS[c.state] || c.state),
      c.significant ? h('span', { class: 'badge significant', title: 'Социально значимое' }, '!') : null,
      !c.significant && c.triage && c.triage.significant
        ? h('span', { class: 'badge maybe-significant', title: `Возможно социально значимое: ${(c.triage.significance_reasons || []).join(', ')}` }, '?!')
        : null,
      c.exclusion && !c.exclusion.dismissed_at && !c.exclusion.reversed_at
        ? h('span', { class: 'badge flag', title: 'Отметка о недопустимом содержании' }, '§19') : null),
    h('td', { class: 'text' }, truncate(msg.text, 200)),
    h('td', {}, NETWORK_LABELS[msg.network] || msg.network || '—'),
    h('td', { class: 'nowrap' }, formatSamara(c.detected_at)),
    h('td', { class: 'deadline-cell' }, deadlineCell(c, u, me, now)));
  });
  const heads = ['№', 'Состояние', 'Сообщение', 'Сеть', 'Выявлено (Ижевск)', 'Срок'];
  const table = h('table', { class: 'cases' },
    h('thead', {}, h('tr', {}, bulk ? h('th', { class: 'pick' }, '') : null, heads.map((t) => h('th', {}, t)))),
    h('tbody', {}, rows.length ? rows
      : h('tr', {}, h('td', { colspan: String(heads.length + (bulk ? 1 : 0)), class: 'muted' }, 'Обращений нет'))));
  const bar = h('div', { class: 'bulk-bar', id: 'bulk-bar' });
  function paintBar() {
    if (!bulk || !bulk.selected.size) {
      bar.replaceChildren();
      bar.hidden = true;
      return;
    }
    bar.hidden = false;
    const select = h('select', { id: 'bulk-reason', 'aria-label': 'Причина' },
      h('option', { value: '' }, '— причина —'), bulk.reasons().map((r) => h('option', { value: r.code }, r.label)));
    const status = h('span', { class: 'small', id: 'bulk-status', role: 'status' });
    const run = h('button', { type: 'button', id: 'bulk-dismiss', onclick: async () => {
      if (!select.value) { status.textContent = 'Выберите причину.'; status.className = 'small error'; return; }
      run.disabled = true;
      status.textContent = 'Выполняется…';
      try {
        bulk.message = await bulk.onDismiss([...bulk.selected], select.value); // kept: the list re-renders
        const shown = root.querySelector('#bulk-result'); // the list may have been drawn again meanwhile
        if (shown) shown.textContent = bulk.message;
        status.textContent = '';
      } catch (err) {
        status.textContent = err.message;
        status.className = 'small error';
        run.disabled = false;
      }
    } }, 'Не требует реагирования');
    bar.replaceChildren(h('strong', {}, `Выбрано: ${bulk.selected.size}`), select, run,
      h('button', { type: 'button', onclick: () => { bulk.selected.clear(); root.querySelectorAll('input.pick-case').forEach((i) => { i.checked = false; }); paintBar(); } }, 'Снять выбор'),
      status);
  }
  const result = h('span', { class: 'small ok', id: 'bulk-result', role: 'status' }, (bulk && bulk.message) || '');
  paintBar();
  const orderSelect = onOrder ? h('select', { id: 'list-order', 'aria-label': 'Порядок', onchange: (ev) => onOrder(ev.target.value) },
    h('option', { value: 'urgency', selected: order === 'urgency' }, 'сначала срочные'),
    h('option', { value: 'detected', selected: order === 'detected' }, 'сначала новые')) : null;
  root.replaceChildren(h('div', { class: 'list-head' }, h('h2', {}, 'Обращения'),
    h('span', { class: 'muted', id: 'case-count' }, `показано: ${cases.length}`),
    overdueCount ? h('strong', { class: 'error', id: 'overdue-count' }, `просрочено: ${overdueCount}`) : null,
    orderSelect, bulk ? result : null), bar, table);
}

// The deadline cell: what is overdue, loudly; else the nearest deadline's countdown; for an agency whose
// turn has not come in a joint answer (§16), that it waits for the previous agency.
function deadlineCell(c, u, me, now) {
  const mine = !me || !AGENCY_ROLES.includes(me.role) || !c.agency_id || c.agency_id === me.agency_id;
  if (!mine && !['answered', 'closed', 'excluded', 'dismissed'].includes(c.state)) {
    return h('span', { class: 'muted waiting' }, 'ожидает предыдущий орган (п. 16)');
  }
  if (u.overdue.length) {
    const first = u.overdue[0];
    const stages = [...new Set(u.overdue.map((d) => STAGE_LABELS[d.stage] || d.stage))];
    return h('div', { class: 'overdue-cell' },
      h('strong', { class: 'overdue-label' }, u.overdue.length > 1 ? `ПРОСРОЧЕНО (${u.overdue.length})` : 'ПРОСРОЧЕНО'),
      h('div', {}, first.due <= now ? countdownEl(first.due, 'overdue', first.stage) : `срок ${formatSamara(first.due)}`),
      h('div', { class: 'small error' }, stages.join('; ')));
  }
  if (!u.next) return countdownEl(null);
  return [countdownEl(u.next.due, '', u.next.stage), h('div', { class: 'muted small' }, STAGE_LABELS[u.next.stage] || u.next.stage,
    u.next.provisional ? h('span', { class: 'badge provisional', title: 'Срок предварительный: нет производственного календаря' }, 'предв.') : null)];
}
