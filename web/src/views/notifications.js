// The notifications panel: the signed-in person's own notifications, newest first; opening one marks it
// read; "read all"; and how the person wants to be told (e-mail at once, a daily digest, here only).
import { h } from '../dom.js';
import { formatSamara } from '../format.js';

export const NOTIFY_BY = {
  email: 'письмом сразу',
  digest: 'сводкой раз в день',
  inapp: 'только здесь',
};

export function renderNotifications(root, items, { onOpen, onOpenSurge, onRead, onReadAll, notifyBy, onNotifyBy }) {
  const unread = items.filter((n) => !n.read).length;
  const summary = h('summary', {}, `Уведомления (${items.length}${unread ? `, новых: ${unread}` : ''})`);
  const open = (n) => (ev) => {
    ev.preventDefault();
    if (!n.read) onRead(n.id);
    if (n.case_id) onOpen(n.case_id);
    if (n.surge_id && onOpenSurge) onOpenSurge(n.surge_id);
  };
  const href = (n) => {
    if (n.case_id) return `#case=${n.case_id}`;
    return n.surge_id ? `#surge=${n.surge_id}` : '#';
  };
  const list = items.length
    ? h('ul', { class: 'notifications' }, items.map((n) => h('li', { class: n.read ? 'read' : 'unread', dataset: { id: n.id } },
      h('span', { class: 'muted small' }, formatSamara(n.created_at)), ' ',
      h('a', { href: href(n), onclick: open(n) }, n.text || n.kind))))
    : h('p', { class: 'muted' }, 'Уведомлений нет');
  const select = h('select', {
    id: 'notify-by', onchange: (ev) => onNotifyBy(ev.target.value),
  }, Object.entries(NOTIFY_BY).map(([value, label]) => h('option', { value, selected: value === notifyBy }, label)));
  const tools = h('div', { class: 'notes-tools small' },
    unread ? h('button', { type: 'button', id: 'read-all', onclick: onReadAll }, 'Прочитать все') : null,
    h('label', {}, 'Уведомлять по почте: ', select));
  const wasOpen = root.firstChild && root.firstChild.open;
  root.replaceChildren(h('details', { open: Boolean(wasOpen) }, summary, tools, list));
}
