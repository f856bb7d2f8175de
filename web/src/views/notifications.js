// The notifications panel: the signed-in person's own notifications, newest first.
import { h } from '../dom.js';
import { formatSamara } from '../format.js';

export function renderNotifications(root, items, { onOpen }) {
  const summary = h('summary', {}, `Уведомления (${items.length})`);
  const list = items.length
    ? h('ul', { class: 'notifications' }, items.map((n) => h('li', { class: n.read ? 'read' : 'unread' },
      h('span', { class: 'muted small' }, formatSamara(n.created_at)), ' ',
      n.case_id ? h('a', { href: '#', onclick: (ev) => { ev.preventDefault(); onOpen(n.case_id); } }, n.text || n.kind)
        : (n.text || n.kind))))
    : h('p', { class: 'muted' }, 'Уведомлений нет');
  const open = root.firstChild && root.firstChild.open;
  root.replaceChildren(h('details', { open: Boolean(open) }, summary, list));
}
