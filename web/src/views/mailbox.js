// The admin's mailbox: the letters Otklik sent or is about to send (the `mail` collection), newest first,
// with their delivery state; a letter opens beside the list with its text and its HTML as sent.
import { h } from '../dom.js';
import { formatSamara, truncate } from '../format.js';

export const MAIL_STATES = {
  PENDING: 'ожидает отправки',
  PROCESSING: 'отправляется',
  RETRY: 'повтор после ошибки',
  SUCCESS: 'отправлено',
  ERROR: 'не отправлено',
  DIGEST: 'ждёт сводки',
  DIGESTED: 'в сводке',
};

export class Mailbox {
  constructor(listEl, cardEl) {
    this.listEl = listEl;
    this.cardEl = cardEl;
    this.letters = [];
    this.openId = null;
  }

  update(letters) {
    const before = JSON.stringify(this.letters.find((l) => l.id === this.openId) || null);
    this.letters = letters;
    const failed = letters.filter((m) => (m.delivery || {}).state === 'ERROR').length;
    const rows = letters.map((m) => {
      const state = (m.delivery || {}).state || '';
      return h('tr', {
        class: `mail-row state-${state.toLowerCase()}${m.id === this.openId ? ' selected' : ''}`,
        dataset: { mailId: m.id }, tabindex: '0', onclick: () => this.show(m.id),
      },
      h('td', { class: 'nowrap' }, formatSamara(m.created_at)),
      h('td', {}, (m.to || []).join(', ')),
      h('td', {}, truncate((m.message || {}).subject, 120)),
      h('td', { class: `mail-state ${state === 'ERROR' ? 'error' : ''}` }, MAIL_STATES[state] || state,
        (m.delivery || {}).attempts > 1 ? ` (попыток: ${m.delivery.attempts})` : ''));
    });
    this.listEl.replaceChildren(
      h('div', { class: 'list-head' }, h('h2', {}, 'Почта'),
        h('span', { class: 'muted', id: 'mail-count' }, `писем: ${letters.length}`),
        failed ? h('span', { class: 'error', id: 'mail-failed' }, `не отправлено: ${failed}`) : null),
      h('table', { class: 'cases', id: 'mail' },
        h('thead', {}, h('tr', {}, ['Создано (Ижевск)', 'Кому', 'Тема', 'Состояние'].map((t) => h('th', {}, t)))),
        h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: '4', class: 'muted' }, 'Писем нет')))));
    // A poll re-opens the letter only when it changed: re-rendering the frame would blank it for a moment.
    const after = JSON.stringify(letters.find((l) => l.id === this.openId) || null);
    if (this.openId && after !== before) this.show(this.openId);
  }

  show(id) {
    this.openId = id;
    const m = this.letters.find((l) => l.id === id);
    if (!m) return;
    this.listEl.querySelectorAll('tr.mail-row').forEach((tr) => tr.classList.toggle('selected', tr.dataset.mailId === id));
    const d = m.delivery || {};
    const frame = h('iframe', { class: 'mail-html', sandbox: '', title: 'Письмо (HTML)' });
    frame.srcdoc = (m.message || {}).html || '';
    this.cardEl.replaceChildren(h('div', { class: 'card', id: 'mail-card' },
      h('h2', {}, (m.message || {}).subject || ''),
      h('dl', { class: 'facts' },
        h('dt', {}, 'Кому'), h('dd', {}, (m.to || []).join(', ')),
        h('dt', {}, 'Состояние'), h('dd', { id: 'mail-state' }, MAIL_STATES[d.state] || d.state || '—'),
        d.error ? [h('dt', {}, 'Ошибка'), h('dd', { class: 'error' }, d.error)] : null,
        h('dt', {}, 'Отправить'), h('dd', {}, `${formatSamara(m.send_at)}${m.urgent ? ' (срочно)' : ''}`),
        d.endTime ? [h('dt', {}, 'Отправлено'), h('dd', {}, formatSamara(d.endTime))] : null,
        m.case_id ? [h('dt', {}, 'Обращение'), h('dd', { class: 'mono' }, m.case_id)] : null),
      frame,
      h('details', {}, h('summary', {}, 'Текстовая часть'), h('pre', { class: 'message-text' }, (m.message || {}).text || ''))));
  }
}
