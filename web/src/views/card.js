// The case card: the message, the deadlines, the audit trail and the actions the person may take now.
// The app feeds it live snapshots (update / updateEvents); an open action form survives them.
import { h } from '../dom.js';
import { formatSamara, neutralise, truncate } from '../format.js';
import {
  DEADLINE_STATE_LABELS, EVENT_LABELS, NETWORK_LABELS, REPLAN_REASONS, ROLE_LABELS, STAGE_LABELS, STATE_LABELS,
  TOPICS, provisionalHint,
} from '../labels.js';
import { availableCommands } from '../workflow.js';
import { countdownEl } from './countdown.js';

const DRAFT_STATUS = {
  submitted: 'на согласовании', approved: 'согласован', returned: 'возвращён на доработку', published: 'размещён',
  withdrawn: 'отозван (обращение передано другому органу)',
};

// command -> the fields of its form (the body of POST /api/cases/<id>/<command>, besides `version`).
const FIELDS = {
  route: [{ name: 'agency_ids', kind: 'agencies', label: 'Органы власти (отметьте в порядке подготовки общего ответа)' }],
  return_not_competent: [{ name: 'reason', kind: 'textarea', label: 'Причина возврата', required: true }],
  reroute: [
    { name: 'agency_ids', kind: 'agencies', label: 'Новые органы власти (отметьте в порядке подготовки общего ответа)' },
    { name: 'reason', kind: 'textarea', label: 'Почему перенаправляется', required: true },
  ],
  request_intermediate: [{ name: 'reason', kind: 'textarea', label: 'Почему нужен ещё один промежуточный ответ', required: true }],
  withdraw: [{ name: 'reason', kind: 'textarea', label: 'Почему отзывается (например, направлено по ошибке)', required: true }],
  assign_executor: [{ name: 'executor_uid', kind: 'executor', label: 'Исполнитель', required: true }],
  contribute: [{ name: 'text', kind: 'textarea', label: 'Информация для общего ответа', required: true }],
  pass_on: [{ name: 'agency_id', kind: 'next_agency', label: 'Кому передать (орган, ещё не направивший информацию)', required: true }],
  submit_draft: [
    { name: 'text', kind: 'textarea', label: 'Текст проекта ответа', required: true },
    { name: 'attachments', kind: 'lines', label: 'Вложения: ссылки, по одной в строке' },
    { name: 'intermediate', kind: 'checkbox', label: 'Промежуточный ответ (п. 15)' },
    { name: 'measures_taken', kind: 'textarea', label: 'Принятые меры (повторное сообщение, п. 17)', repeatOnly: true },
  ],
  approve: [{ name: 'rating', kind: 'rating', label: 'Оценка качества ответа' }],
  return_for_rework: [{ name: 'comment', kind: 'textarea', label: 'Замечания', required: true }],
  publish: [{ name: 'url', kind: 'text', label: 'Ссылка на размещённый ответ', required: true }],
  link_repeat: [{ name: 'earlier_case_id', kind: 'case', label: 'Ранее рассмотренное обращение: начните вводить текст, автора, ссылку или номер', required: true }],
  flag_exclusion: [{ name: 'reason', kind: 'textarea', label: 'Основание (п. 19)', required: true }],
  confirm_exclusion: [{ name: 'reason', kind: 'textarea', label: 'Основание (п. 19), если нужно уточнить' }],
  mark_significant: [{ name: 'reason', kind: 'textarea', label: 'Почему сообщение социально значимое', required: true }],
  dismiss: [
    { name: 'reason', kind: 'reason', label: 'Причина', required: true },
    { name: 'note', kind: 'textarea', label: 'Комментарий (необязательно)' },
  ],
};

export class CaseCard {
  constructor(root, {
    me, agencies, runCommand, reasons = () => [], staff = () => [], cases = () => [], loadCase = async () => null,
    searchCases = async () => [], municipalities = () => new Map(),
  }) {
    this.municipalities = municipalities; // () -> Map id -> name
    this.searchCases = searchCases; // (text) -> cases whose number or words match (a Firestore query)
    this.root = root;
    this.cases = cases; // () -> the cases in the list: the candidates for a §17 link
    this.loadCase = loadCase; // (id) -> the case document, or null: the earlier case of a repeat
    this.staff = staff; // () -> [{uid, name, role, agency_id}]: the staff directory the person may read
    this.reasons = reasons; // () -> [{code, label}]: why a message may need no reaction
    this.me = me;
    this.agencies = agencies; // Map id -> {name, short_name}
    this.runCommand = runCommand; // (caseId, command, body) -> Promise
    this.caseDoc = null;
    this.events = [];
    this.openForm = null; // the command whose form is open
    this.actionsKey = '';
    this.body = h('div', { class: 'card-body' });
    this.actions = h('div', { class: 'actions', id: 'actions' });
    this.status = h('p', { class: 'status', role: 'status', id: 'action-status' });
    this.trail = h('div', { class: 'trail' });
  }

  show(caseId) {
    this.caseId = caseId;
    this.caseDoc = null;
    this.events = [];
    this.openForm = null;
    this.actionsKey = '';
    this.status.textContent = '';
    this.status.className = 'status';
    this.body.replaceChildren(h('p', { class: 'muted' }, 'Загрузка…'));
    this.actions.replaceChildren();
    this.trail.replaceChildren();
    this.root.replaceChildren(h('div', { class: 'card', id: 'case-card', dataset: { caseId } },
      this.body, h('h3', {}, 'Действия'), this.actions, this.status, h('h3', {}, 'Ход рассмотрения'), this.trail));
  }

  missing(message) {
    this.body.replaceChildren(h('p', { class: 'error' }, message));
    this.actions.replaceChildren();
  }

  update(caseDoc) {
    this.caseDoc = caseDoc;
    this.root.querySelector('.card').dataset.state = caseDoc.state;
    this.body.replaceChildren(...this.renderBody(caseDoc).filter(Boolean));
    const available = availableCommands(caseDoc, this.me);
    const key = `${caseDoc.state}|${available.map((a) => a.name).join(',')}`;
    if (this.openForm && !available.some((a) => a.name === this.openForm)) this.openForm = null;
    if (!this.openForm && key !== this.actionsKey) {
      this.actionsKey = key;
      this.renderActions(available);
    }
  }

  updateEvents(events) {
    this.events = events;
    this.trail.replaceChildren(this.renderTrail(events));
  }

  agencyName(id) {
    const a = this.agencies.get(id);
    return a ? (a.short_name || a.name) : id;
  }

  renderBody(c) {
    const msg = c.message || {};
    const author = msg.author || {};
    const draft = (c.drafts || [])[c.drafts ? c.drafts.length - 1 : 0];
    return [
      h('div', { class: 'card-head' },
        h('h2', {}, 'Обращение', c.number ? h('span', { id: 'card-number' }, ` № ${c.number}`) : null),
        h('span', { class: `state state-${c.state}`, id: 'card-state' }, STATE_LABELS[c.state] || c.state),
        h('span', { class: 'muted small' }, ` версия ${c.version}`)),
      h('p', { class: 'muted small mono' }, c.id),
      h('dl', { class: 'facts' },
        h('dt', {}, 'Сеть'), h('dd', {}, NETWORK_LABELS[msg.network] || msg.network || '—'),
        h('dt', {}, 'Автор'), h('dd', {}, author.url
          ? h('a', { href: author.url, target: '_blank', rel: 'noopener noreferrer' }, author.name || author.url)
          : (neutralise(author.name) || '—')),
        h('dt', {}, 'Опубликовано'), h('dd', {}, formatSamara(msg.posted_at)),
        h('dt', {}, 'Выявлено'), h('dd', {}, formatSamara(c.detected_at)),
        h('dt', {}, 'Органы власти'), h('dd', {}, (c.agency_ids || []).length
          ? c.agency_ids.map((id) => this.agencyName(id)).join(', ') : 'не направлено'),
        c.agency_id ? [h('dt', {}, 'Сейчас у органа'), h('dd', {}, this.agencyName(c.agency_id))] : null,
        c.executor_uid ? [h('dt', {}, 'Исполнитель'), h('dd', { id: 'card-executor' }, c.executor_name || c.executor_uid)] : null,
        c.repeat_of ? [h('dt', {}, 'Повторное (п. 17)'), h('dd', { class: 'mono' }, c.repeat_of)] : null,
        c.significant ? [h('dt', {}, 'Социально значимое'), h('dd', {}, c.significant.reason || 'да')] : null,
        c.exclusion ? [h('dt', {}, 'Отметка п. 19'), h('dd', {}, exclusionText(c.exclusion))] : null,
        c.dismissal ? [h('dt', {}, 'Не требует реагирования'), h('dd', { id: 'card-dismissal' }, dismissalText(c.dismissal))]
          : null),
      h('div', { class: 'message-text', id: 'card-text' }, neutralise(msg.text)),
      msg.deleted_at_source ? h('p', { class: 'error small' }, 'Сообщение удалено автором в соцсети.') : null,
      h('p', {}, msg.url
        ? h('a', { href: msg.url, target: '_blank', rel: 'noopener noreferrer', id: 'card-original' }, 'Открыть оригинал сообщения')
        : h('span', { class: 'muted' }, 'Ссылки на оригинал нет'),
      msg.parent && msg.parent.url ? [' · ', h('a', { href: msg.parent.url, target: '_blank', rel: 'noopener noreferrer' }, 'запись, к которой комментарий')] : null),
      draft ? h('div', { class: 'draft' },
        h('h3', {}, `Проект ответа: ${DRAFT_STATUS[draft.status] || draft.status}${draft.intermediate ? ' (промежуточный)' : ''}`),
        h('div', { class: 'message-text' }, neutralise(draft.text)),
        draft.measures_taken ? h('p', { id: 'draft-measures' }, h('strong', {}, 'Принятые меры (п. 17): '), neutralise(draft.measures_taken))
          : null,
        (draft.attachments || []).length ? h('div', { class: 'attachments', id: 'draft-attachments' },
          h('strong', {}, 'Вложения: '), draft.attachments.map((url) => attachmentEl(url))) : null,
        draft.review_comment ? h('div', { class: 'rework-note' }, h('strong', {}, 'Замечания куратора: '), draft.review_comment)
          : null) : null,
      (c.answers || []).length ? h('p', {}, 'Размещённые ответы: ', c.answers.map((a, i) => [i ? ', ' : '',
        h('a', { href: a.url, target: '_blank', rel: 'noopener noreferrer' }, `${formatSamara(a.at)}${a.intermediate ? ' (промежуточный)' : ''}`)])) : null,
      c.repeat_of ? this.earlierCase(c.repeat_of) : null,
      (c.route_order || []).length > 1 ? this.jointProgress(c) : null,
      c.triage ? this.triageBlock(c) : null,
      h('h3', {}, 'Сроки'),
      this.renderDeadlines(c.deadlines || {}),
    ];
  }

  // Triage's first read (issue 13): suggestions for the curator, who decides.
  triageBlock(c) {
    const t = c.triage;
    const agencies = (t.agencies || []).map((a) => `${this.agencyName(a.id)} (${Math.round(a.score * 100)} %: ${a.words.join(', ')})`);
    const place = c.municipality_id ? (this.municipalities().get(c.municipality_id) || c.municipality_id) : null;
    return h('details', { class: 'triage', id: 'triage', open: c.state === 'detected' },
      h('summary', {}, 'Предварительный разбор (подсказки, решает куратор)'),
      h('dl', { class: 'triage-facts small' },
        h('dt', {}, 'Органы власти'), h('dd', { id: 'triage-agencies' }, agencies.length ? agencies.join('; ') : 'не определены'),
        h('dt', {}, 'Тема'), h('dd', { id: 'triage-topic' }, (TOPICS[t.topic] || t.topic) || 'не определена'),
        h('dt', {}, 'Муниципальное образование'), h('dd', {}, place || 'не определено'),
        h('dt', {}, 'Значимость (п. 22)'), h('dd', { id: 'triage-significance' },
          `${Math.round((t.significance || 0) * 100)} %${(t.significance_reasons || []).length ? `: ${t.significance_reasons.join(', ')}` : ''}`),
        (t.flags || []).length ? [h('dt', {}, 'Пункт 19'), h('dd', { class: 'error' },
          t.flags.map((f) => `${f.reason}: ${f.words.join(', ')}`).join('; '))] : null,
        (t.repeats || []).length && !c.repeat_of ? [h('dt', {}, 'Возможный повтор (п. 17)'),
          h('dd', { id: 'triage-repeats' }, t.repeats.map((r) => this.repeatCandidate(c, r)))] : null,
        h('dt', {}, 'Подбор органа'), h('dd', { class: 'muted' }, t.model ? `модель ${t.model}` : 'рубрикатор')));
  }

  // §17: an earlier case triage found similar; the curator links it with one click when linking is open.
  repeatCandidate(c, r) {
    const link = availableCommands(c, this.me).some((a) => a.name === 'link_repeat')
      ? h('button', { type: 'button', class: 'link-repeat', dataset: { earlier: r.case_id }, onclick: async (ev) => {
        ev.target.disabled = true;
        try {
          await this.runCommand(this.caseId, 'link_repeat', { version: c.version, earlier_case_id: r.case_id });
          this.setStatus('Выполнено: связано с ранее рассмотренным сообщением.', false);
        } catch (err) {
          this.setStatus(err.message || 'Не удалось связать.', true);
          ev.target.disabled = false;
        }
      } }, 'Связать как повтор') : null;
    return h('div', { class: 'repeat-candidate' }, h('a', { href: `#case=${encodeURIComponent(r.case_id)}` }, r.number || r.case_id),
      ` — сходство ${Math.round(r.score * 100)} % `, link);
  }

  // §16: the joint answer's order, who has given their part (and what), whose turn it is.
  jointProgress(c) {
    const parts = c.contributions || {};
    const rows = c.route_order.map((aid, i) => {
      const part = parts[aid];
      let status = 'ожидает своей очереди';
      if (part) status = `информация направлена куратору ${formatSamara(part.at)}`;
      else if (aid === c.agency_id) status = 'готовит информацию';
      else if (i === c.route_order.length - 1) status = 'составит общий проект ответа';
      return h('li', { class: part ? 'done' : '' }, h('strong', {}, this.agencyName(aid)), ` — ${status}`,
        part ? h('div', { class: 'message-text' }, neutralise(part.text)) : null);
    });
    const waiting = c.state === 'contributed'
      ? h('p', { class: 'rework-note' }, 'Информация получена: куратору нужно передать обращение следующему органу.') : null;
    return h('div', { class: 'joint', id: 'joint-progress' }, h('h3', {}, 'Общий ответ (п. 16)'), waiting,
      h('ol', { class: 'joint-order' }, rows));
  }

  // §17/§18 at review: the earlier message this one repeats, and what was answered then.
  earlierCase(id) {
    const box = h('div', { class: 'earlier', id: 'earlier-case' }, h('h3', {}, 'Ранее рассмотренное обращение (п. 17)'),
      h('p', { class: 'muted small' }, 'Загрузка…'));
    if (this.earlier && this.earlier.id === id) {
      this.paintEarlier(box, this.earlier.doc);
    } else {
      this.loadCase(id).then((doc) => { this.earlier = { id, doc }; this.paintEarlier(box, doc); })
        .catch(() => this.paintEarlier(box, null));
    }
    return box;
  }

  paintEarlier(box, doc) {
    const title = box.firstChild;
    if (!doc) {
      box.replaceChildren(title, h('p', { class: 'muted small' }, 'Обращение недоступно.'));
      return;
    }
    const msg = doc.message || {};
    const answers = (doc.answers || []).map((a) => h('li', {},
      h('a', { href: a.url, target: '_blank', rel: 'noopener noreferrer' }, formatSamara(a.at)),
      a.intermediate ? ' (промежуточный)' : ''));
    box.replaceChildren(title,
      h('p', { class: 'small' }, h('span', { class: 'mono' }, doc.id || ''), ` · выявлено ${formatSamara(doc.detected_at)}`),
      h('div', { class: 'message-text' }, neutralise(msg.text)),
      ...(answers.length ? [h('p', { class: 'small' }, 'Ответы тогда:'), h('ul', { class: 'small' }, answers)]
        : [h('p', { class: 'muted small' }, 'Ответ тогда не размещался.')]));
  }

  renderDeadlines(deadlines) {
    const entries = Object.entries(deadlines).sort(([, a], [, b]) => dueMs(a) - dueMs(b));
    if (!entries.length) return h('p', { class: 'muted' }, 'Сроков нет');
    const years = [...new Set(entries.filter(([, d]) => d.state === 'pending')
      .flatMap(([, d]) => d.provisional_years || []))].sort();
    const table = h('table', { class: 'deadlines', id: 'deadlines' },
      h('thead', {}, h('tr', {}, ['Этап', 'Срок (Ижевск)', 'Состояние', 'Осталось'].map((t) => h('th', {}, t)))),
      h('tbody', {}, entries.map(([key, d]) => {
        const stage = d.stage || key.split(':')[0];
        const agency = d.agency_id && stage === 'joint_contribution' ? ` — ${this.agencyName(d.agency_id)}` : '';
        const state = d.state === 'met' && d.met_late ? 'выполнено с опозданием' : (DEADLINE_STATE_LABELS[d.state] || d.state);
        const provisional = d.state === 'pending' && (d.provisional_years || []).length;
        return h('tr', { class: `deadline-${d.state}` },
          h('td', {}, `${STAGE_LABELS[stage] || stage}${agency}`),
          h('td', { class: 'nowrap' }, formatSamara(d.due), provisional ? h('div', {},
            h('span', { class: 'badge provisional', title: provisionalHint(d.provisional_years) }, 'предварительно'))
            : null),
          h('td', {}, state),
          h('td', { class: 'countdown-cell' }, d.state === 'pending' ? countdownEl(d.due, '', stage) : ''));
      })));
    if (!years.length) return table;
    return h('div', {}, table, h('p', { class: 'small provisional-note', id: 'provisional-note' }, provisionalHint(years)));
  }

  renderTrail(events) {
    if (!events.length) return h('p', { class: 'muted' }, 'Событий нет');
    return h('table', { class: 'events', id: 'events' },
      h('thead', {}, h('tr', {}, ['№', 'Когда (Ижевск)', 'Событие', 'Кто', 'Состояние', 'Подробности'].map((t) => h('th', {}, t)))),
      h('tbody', {}, events.map((e) => h('tr', {},
        h('td', {}, e.version),
        h('td', { class: 'nowrap' }, formatSamara(e.at)),
        h('td', {}, EVENT_LABELS[e.type] || e.type),
        h('td', {}, e.actor_name ? h('div', { class: 'actor-name' }, e.actor_name) : null,
          h('div', { class: e.actor_name ? 'muted small' : '' }, [ROLE_LABELS[e.actor_role] || e.actor_role || 'система',
            e.actor_agency_id ? `, ${this.agencyName(e.actor_agency_id)}` : ''].join(''))),
        h('td', {}, e.from_state && e.from_state !== e.to_state
          ? `${STATE_LABELS[e.from_state] || e.from_state} → ${STATE_LABELS[e.to_state] || e.to_state}`
          : (STATE_LABELS[e.to_state] || e.to_state || '')),
        h('td', { class: 'small' }, this.payloadText(e.payload || {}))))));
  }

  payloadText(p) {
    const parts = [];
    if (p.agency_ids) parts.push(`органы: ${p.agency_ids.map((id) => this.agencyName(id)).join(' → ')}`);
    if (p.removed && p.removed.length) parts.push(`больше не у органа: ${p.removed.map((id) => this.agencyName(id)).join(', ')}`);
    if (p.label) parts.push(`причина: ${p.label}${p.note ? ` (${p.note})` : ''}`);
    else if (p.reason) parts.push(`основание: ${REPLAN_REASONS[p.reason] || p.reason}`);
    if (p.changes) parts.push(...p.changes.map(changeText));
    if (p.stage && p.due) parts.push(`${STAGE_LABELS[p.stage] || p.stage}: срок ${formatSamara(p.due)}`);
    if (p.previous_text !== undefined) parts.push(`прежний текст: «${truncate(p.previous_text, 120)}»`);
    if (p.comment) parts.push(`замечания: ${p.comment}`);
    if (p.rating) parts.push(`оценка: ${p.rating}`);
    if (p.url) parts.push(`ссылка: ${p.url}`);
    if (p.earlier_case_id) parts.push(`ранее: ${p.earlier_case_id}`);
    if (p.executor_uid) parts.push(`исполнитель: ${p.executor_name || p.executor_uid}`);
    return parts.join('; ');
  }

  renderActions(available) {
    if (!available.length) {
      this.actions.replaceChildren(h('p', { class: 'muted' }, 'Для вашей роли в этом состоянии действий нет.'));
      return;
    }
    this.actions.replaceChildren(...available.map((a) => h('button', {
      type: 'button', class: 'action', dataset: { command: a.name },
      onclick: () => this.showForm(a),
    }, a.label)));
  }

  showForm(action) {
    this.openForm = action.name;
    this.status.textContent = '';
    const fields = (FIELDS[action.name] || []).filter((f) => !f.repeatOnly || (this.caseDoc && this.caseDoc.repeat_of));
    const readers = [];
    const controls = fields.map((f) => {
      const [el, read] = this.fieldControl(f);
      readers.push([f, read]);
      return el;
    });
    const submit = h('button', { type: 'submit', class: 'primary' }, action.label);
    const cancel = h('button', { type: 'button', onclick: () => this.closeForm() }, 'Отмена');
    const form = h('form', {
      class: 'action-form', dataset: { command: action.name },
      onsubmit: async (ev) => {
        ev.preventDefault();
        const body = { version: this.caseDoc.version };
        for (const [f, read] of readers) {
          const value = read();
          if (f.required && (value === '' || (Array.isArray(value) && !value.length))) {
            this.setStatus(`Заполните поле «${f.label}».`, true);
            return;
          }
          if (value !== undefined) body[f.name] = value;
        }
        submit.disabled = true;
        this.setStatus('Выполняется…', false);
        try {
          await this.runCommand(this.caseId, action.name, body);
          this.setStatus(`Выполнено: ${action.label.toLowerCase()}.`, false);
          this.closeForm();
        } catch (err) {
          this.setStatus(err.message || 'Не удалось выполнить действие.', true);
          submit.disabled = false;
        }
      },
    }, h('h4', {}, action.label), this.reworkNote(action.name), this.contributionsNote(action.name), controls,
    h('div', { class: 'buttons' }, submit, cancel));
    this.actions.replaceChildren(form);
    this.prefill(action.name, form);
    const first = form.querySelector('input, textarea, select');
    if (first) first.focus();
  }

  // §13: a draft returned for rework: the curator's remarks above the form, and the returned text in it,
  // so the executor corrects it instead of typing it again.
  returnedDraft(command) {
    const c = this.caseDoc || {};
    const last = (c.drafts || [])[(c.drafts || []).length - 1];
    return command === 'submit_draft' && c.state === 'rework' && last && last.status === 'returned' ? last : null;
  }

  reworkNote(command) {
    const draft = this.returnedDraft(command);
    if (!draft) return null;
    return h('div', { class: 'rework-note', id: 'rework-note', role: 'note' },
      h('strong', {}, 'Замечания куратора: '), draft.review_comment || '—');
  }

  // §16: the last agency composes the joint draft from the earlier agencies' information, shown beside it.
  contributionsNote(command) {
    const c = this.caseDoc || {};
    const parts = Object.values(c.contributions || {});
    if (command !== 'submit_draft' || !parts.length) return null;
    return h('div', { class: 'contributions', id: 'draft-contributions' },
      h('strong', {}, 'Информация других органов для общего ответа (п. 16):'),
      parts.map((p) => h('div', { class: 'contribution' },
        h('div', { class: 'small muted' }, `${this.agencyName(p.agency_id)}, ${formatSamara(p.at)}`),
        h('div', { class: 'message-text' }, neutralise(p.text)))));
  }

  prefill(command, form) {
    // §22: the reasons triage saw start the curator's reason for the Head's report (the curator edits them).
    const seen = ((this.caseDoc || {}).triage || {}).significance_reasons || [];
    const reason = form.querySelector('textarea[name=reason]');
    if (command === 'mark_significant' && reason && seen.length) {
      reason.value = `${seen.map((r) => r[0].toUpperCase() + r.slice(1)).join('; ')}.`;
    }
    const draft = this.returnedDraft(command);
    if (!draft) return;
    const text = form.querySelector('textarea[name=text]');
    if (text) text.value = draft.text || '';
    const attachments = form.querySelector('textarea[name=attachments]');
    if (attachments) attachments.value = (draft.attachments || []).join('\n');
    const measures = form.querySelector('textarea[name=measures_taken]');
    if (measures && draft.measures_taken) measures.value = draft.measures_taken;
    const intermediate = form.querySelector('input[name=intermediate]');
    if (intermediate) intermediate.checked = Boolean(draft.intermediate);
  }

  closeForm() {
    this.openForm = null;
    this.actionsKey = '';
    if (this.caseDoc) this.update(this.caseDoc);
  }

  setStatus(text, isError) {
    this.status.textContent = text;
    this.status.className = `status${isError ? ' error' : ' ok'}`;
  }

  fieldControl(f) {
    const id = `f-${f.name}`;
    if (f.kind === 'agencies') {
      const suggested = f.name === 'agency_ids' && this.openForm === 'route'
        ? ((this.caseDoc || {}).triage || {}).agencies || [] : [];
      const order = suggested.length && this.agencies.has(suggested[0].id) ? [suggested[0].id] : []; // triage's first
      const orderText = h('p', { class: 'small muted', id: 'route-order' });
      const paint = () => {
        orderText.textContent = order.length
          ? `Порядок: ${order.map((a, i) => `${i + 1}. ${this.agencyName(a)}`).join(', ')}` : 'Орган не выбран';
      };
      paint();
      const sorted = [...this.agencies.entries()].sort(([, a], [, b]) => (a.short_name || a.name).localeCompare(b.short_name || b.name, 'ru'));
      const boxes = sorted.map(([aid, a]) => h('label', { class: 'check', title: a.name },
        h('input', {
          type: 'checkbox', value: aid, name: 'agency', checked: order.includes(aid),
          onchange: (ev) => {
            const at = order.indexOf(aid);
            if (ev.target.checked && at < 0) order.push(aid);
            if (!ev.target.checked && at >= 0) order.splice(at, 1);
            paint();
          },
        }), ` ${a.short_name || a.name}`));
      const search = h('input', {
        type: 'search', id: 'agency-search', placeholder: 'Поиск органа', 'aria-label': 'Поиск органа',
        oninput: () => {
          const q = search.value.trim().toLowerCase();
          boxes.forEach((box) => { box.hidden = Boolean(q) && !box.textContent.toLowerCase().includes(q) && !box.title.toLowerCase().includes(q); });
        },
      });
      return [h('fieldset', { class: 'agencies' }, h('legend', {}, f.label), search, h('div', { class: 'agency-grid' }, boxes), orderText),
        () => [...order]];
    }
    if (f.kind === 'executor') {
      const executors = this.staff().filter((p) => p.role === 'executor' && p.agency_id === this.me.agency_id);
      const select = h('select', { id, name: f.name, required: true },
        h('option', { value: '' }, executors.length ? '— выберите —' : 'нет действующих исполнителей'),
        executors.map((p) => h('option', { value: p.uid, selected: p.uid === (this.caseDoc || {}).executor_uid }, p.name)));
      return [h('div', { class: 'field' }, h('label', { for: id }, f.label), select), () => select.value];
    }
    if (f.kind === 'case') {
      // §17: the earlier message is found by its text, author, link or number, not pasted as an id.
      const listId = `${id}-options`;
      const option = (c) => {
        const msg = c.message || {};
        const who = (msg.author || {}).name || '';
        return h('option', { value: c.id }, truncate(`${who ? `${who}: ` : ''}${msg.text || ''} ${msg.url || ''}`, 140));
      };
      const list = h('datalist', { id: listId }, this.cases().filter((c) => c.id !== this.caseId).map(option));
      let timer = null;
      const input = h('input', {
        type: 'text', id, name: f.name, list: listId, required: true, autocomplete: 'off',
        oninput: () => {
          clearTimeout(timer);
          timer = setTimeout(async () => {
            try {
              const found = (await this.searchCases(input.value)).filter((c) => c.id !== this.caseId);
              if (found.length) list.replaceChildren(...found.map(option));
            } catch (err) {
              console.warn('search', err);
            }
          }, 300);
        },
      });
      return [h('div', { class: 'field' }, h('label', { for: id }, f.label), input, list), () => input.value.trim()];
    }
    if (f.kind === 'next_agency') {
      const c = this.caseDoc || {};
      const remaining = (c.route_order || []).filter((aid) => !(c.contributions || {})[aid]);
      const select = h('select', { id, name: f.name, required: true },
        remaining.map((aid) => h('option', { value: aid }, this.agencyName(aid))));
      return [h('div', { class: 'field' }, h('label', { for: id }, f.label), select), () => select.value];
    }
    if (f.kind === 'reason') {
      const select = h('select', { id, name: f.name, required: true },
        h('option', { value: '' }, '— выберите —'),
        this.reasons().map((r) => h('option', { value: r.code }, r.label)));
      return [h('div', { class: 'field' }, h('label', { for: id }, f.label), select), () => select.value];
    }
    if (f.kind === 'checkbox') {
      const input = h('input', { type: 'checkbox', id, name: f.name });
      return [h('label', { class: 'check' }, input, ` ${f.label}`), () => input.checked];
    }
    if (f.kind === 'rating') {
      const select = h('select', { id, name: f.name },
        h('option', { value: '' }, 'без оценки'), [5, 4, 3, 2, 1].map((n) => h('option', { value: String(n) }, String(n))));
      return [h('div', { class: 'field' }, h('label', { for: id }, f.label), select),
        () => (select.value ? Number(select.value) : undefined)];
    }
    const input = f.kind === 'text'
      ? h('input', { type: 'text', id, name: f.name, required: Boolean(f.required) })
      : h('textarea', { id, name: f.name, rows: f.kind === 'lines' ? 3 : 4, required: Boolean(f.required) });
    const read = f.kind === 'lines'
      ? () => input.value.split('\n').map((s) => s.trim()).filter(Boolean)
      : () => {
        const v = input.value.trim();
        return (f.name === 'measures_taken' || f.name === 'note') && !v ? undefined : v;
      };
    return [h('div', { class: 'field' }, h('label', { for: id }, f.label), input), read];
  }
}

// One deadline of a DeadlinesRecomputed event: "Этап: old → new", or confirmed when it did not move.
function changeText(ch) {
  const stage = STAGE_LABELS[ch.stage] || ch.stage;
  const [before, after] = [formatSamara(ch.old_due), formatSamara(ch.new_due)];
  const still = (ch.provisional_years || []).length ? ' (предварительно)' : '';
  if (!ch.old_due) return `${stage}: ${after}${still}`;
  if (before === after) return `${stage}: ${after} — без изменений${still ? still : ', срок окончательный'}`;
  return `${stage}: ${before} → ${after}${still}`;
}

function dueMs(d) {
  const t = d && d.due && (typeof d.due.toMillis === 'function' ? d.due.toMillis() : new Date(d.due).getTime());
  return Number.isFinite(t) ? t : Number.MAX_SAFE_INTEGER;
}

// A draft's attachment: a photo previewed, a video or any other link as a link.
function attachmentEl(url) {
  const safe = /^https:\/\//i.test(url);
  if (!safe) return h('span', { class: 'small muted' }, ` ${url}`);
  if (/\.(jpe?g|png|gif|webp)(\?|$)/i.test(url)) {
    return h('a', { href: url, target: '_blank', rel: 'noopener noreferrer', class: 'attachment' },
      h('img', { src: url, alt: 'фото', loading: 'lazy', referrerpolicy: 'no-referrer', class: 'preview' }));
  }
  const video = /video|youtu|rutube|\.mp4(\?|$)/i.test(url);
  return h('a', { href: url, target: '_blank', rel: 'noopener noreferrer', class: 'attachment' }, video ? ' видео' : ` ${url}`);
}

function dismissalText(d) {
  const note = d.note ? ` (${d.note})` : '';
  if (d.reopened_at) return `было: ${d.label}${note}; возвращено к рассмотрению ${formatSamara(d.reopened_at)}`;
  return `${d.label}${note}, ${formatSamara(d.at)}`;
}

function exclusionText(x) {
  if (x.reversed_at) return `возвращено в обработку (основание было: ${x.reason})`;
  if (x.dismissed_at) return `отметка снята (${x.reason})`;
  if (x.confirmed_at) return `исключено: ${x.reason}`;
  return `ожидает решения куратора: ${x.reason}`;
}
