// The admin's screen: staff (add; change name, role, agency; deactivate: effective at once), agencies and
// the reasons a message may need no reaction, through /api/admin (functions/admin_http.py). The list pane
// shows the table, the card pane the form; the mail tab is the mailbox (views/mailbox.js).
import * as api from '../api.js';
import { h } from '../dom.js';
import { formatSamara } from '../format.js';
import { AGENCY_ROLES, ROLE_LABELS } from '../labels.js';

export const AGENCY_KINDS = {
  ministry: 'министерство', committee: 'комитет', agency: 'агентство', directorate: 'управление', other: 'другое',
};

const field = (id, label, control) => h('div', { class: 'field' }, h('label', { for: id }, label), control);

export class AdminScreen {
  constructor(listEl, cardEl, token, web = { sessionOnly: false }) {
    this.web = web; // the web client's settings, as config.json gave them
    this.listEl = listEl;
    this.cardEl = cardEl;
    this.token = token; // () -> Promise<ID token>
    this.agencies = [];
  }

  // Loads and paints one tab. A load that finishes after the admin has moved to another tab (a save's
  // reload, a slow answer) paints nothing: the tab shown is always the one chosen last.
  async load(what) {
    this.current = what;
    this.listEl.replaceChildren(h('p', { class: 'muted' }, 'Загрузка…'));
    const still = () => this.current === what;
    try {
      const agencies = (await api.adminAgencies(await this.token())).agencies;
      if (!still()) return;
      this.agencies = agencies;
      if (what === 'staff') {
        const { staff } = await api.adminStaff(await this.token());
        if (still()) this.paintStaff(staff);
      }
      if (what === 'agencies') this.paintAgencies();
      if (what === 'triage') {
        const models = await api.adminTriage(await this.token());
        if (still()) this.paintTriage(models);
      }
      if (what === 'reasons') {
        const { reasons } = await api.dismissalReasons(await this.token());
        if (still()) this.paintReasons(reasons);
      }
    } catch (err) {
      if (still()) this.listEl.replaceChildren(h('p', { class: 'error' }, err.message));
    }
  }

  // After a save: the tab's list again, only if the admin is still on that tab (a save answered after they
  // moved on must not take the screen back).
  reload(what) {
    if (this.current === what) this.load(what);
  }

  agencyName(id) {
    const a = this.agencies.find((x) => x.id === id);
    return a ? (a.short_name || a.name) : (id || '—');
  }

  status() {
    return h('p', { class: 'status', role: 'status', id: 'admin-status' });
  }

  // -- staff ------------------------------------------------------------------------------------------
  paintStaff(people) {
    const rows = people.map((p) => h('tr', {
      class: `staff-row${p.active === false ? ' inactive' : ''}`, tabindex: '0', dataset: { uid: p.uid },
      onclick: () => this.staffForm(p), onkeydown: (ev) => { if (ev.key === 'Enter') this.staffForm(p); },
    },
    h('td', {}, p.name || '—'), h('td', { class: 'small' }, p.email || ''), h('td', {}, ROLE_LABELS[p.role] || p.role || '—'),
    h('td', {}, p.agency_id ? this.agencyName(p.agency_id) : ''),
    h('td', { class: p.active === false ? 'error' : 'ok' }, p.active === false ? 'отключён' : 'действует')));
    const saved = h('span', { class: 'small', role: 'status', id: 'session-status' });
    const sessionOnly = h('input', { type: 'checkbox', id: 'session-only', checked: this.web.sessionOnly, onchange: async () => {
      try {
        await api.adminSaveWebSettings(await this.token(), { session_only: sessionOnly.checked });
        this.web.sessionOnly = sessionOnly.checked;
        saved.className = 'small ok';
        saved.textContent = ' Сохранено: действует для входов с этого момента.';
      } catch (err) {
        saved.className = 'small error';
        saved.textContent = ` ${err.message}`;
        sessionOnly.checked = this.web.sessionOnly;
      }
    } });
    this.listEl.replaceChildren(
      h('div', { class: 'list-head' }, h('h2', {}, 'Сотрудники'), h('span', { class: 'muted', id: 'staff-count' }, `всего: ${people.length}`),
        h('button', { type: 'button', id: 'staff-add', onclick: () => this.staffForm(null) }, 'Добавить сотрудника')),
      h('p', {}, h('label', { class: 'check' }, sessionOnly,
        ' Вход только до закрытия браузера (для общих рабочих мест)'), saved),
      h('table', { class: 'cases', id: 'staff-table' },
        h('thead', {}, h('tr', {}, ['Имя', 'Почта', 'Роль', 'Орган власти', 'Доступ'].map((t) => h('th', {}, t)))),
        h('tbody', {}, rows)));
  }

  staffForm(p) {
    const isNew = !p;
    const email = h('input', { type: 'email', id: 'staff-email', required: true, value: p ? p.email : '', disabled: !isNew });
    const name = h('input', { type: 'text', id: 'staff-name', required: true, value: p ? p.name || '' : '' });
    const role = h('select', { id: 'staff-role' }, Object.entries(ROLE_LABELS).map(([value, label]) => h('option', {
      value, selected: p ? p.role === value : value === 'executor' }, label)));
    const agency = h('select', { id: 'staff-agency' }, h('option', { value: '' }, '— нет —'),
      this.agencies.map((a) => h('option', { value: a.id, selected: p && p.agency_id === a.id }, a.short_name || a.name)));
    const active = h('input', { type: 'checkbox', id: 'staff-active', checked: !p || p.active !== false });
    const paintAgency = () => { agency.disabled = !AGENCY_ROLES.includes(role.value); if (agency.disabled) agency.value = ''; };
    role.onchange = paintAgency;
    paintAgency();
    const status = this.status();
    const submit = h('button', { type: 'submit', class: 'primary' }, isNew ? 'Добавить' : 'Сохранить');
    const form = h('form', { class: 'action-form', id: 'staff-form', onsubmit: async (ev) => {
      ev.preventDefault();
      submit.disabled = true;
      status.className = 'status';
      status.textContent = 'Сохранение…';
      const body = { name: name.value.trim(), role: role.value, agency_id: agency.value || (isNew ? null : '') };
      try {
        if (isNew) {
          const done = await api.adminCreateStaff(await this.token(), { email: email.value.trim(), ...body });
          this.cardEl.replaceChildren(h('div', { class: 'card', id: 'staff-created' }, h('h2', {}, 'Сотрудник добавлен'),
            h('p', {}, `${done.staff.name}, ${done.staff.email}`),
            h('p', {}, 'Пароль для первого входа (показывается один раз, передайте сотруднику): ',
              h('strong', { class: 'mono', id: 'staff-password' }, done.password))));
        } else {
          await api.adminUpdateStaff(await this.token(), p.uid, { ...body, active: active.checked });
          status.className = 'status ok';
          status.textContent = 'Сохранено. Изменения действуют сразу: при смене роли, органа или отключении сотруднику нужно войти заново.';
          submit.disabled = false;
        }
        this.reload('staff');
      } catch (err) {
        status.className = 'status error';
        status.textContent = err.message;
        submit.disabled = false;
      }
    } },
    h('h3', {}, isNew ? 'Новый сотрудник' : 'Сотрудник'),
    field('staff-email', 'Электронная почта', email), field('staff-name', 'Фамилия, имя, отчество', name),
    field('staff-role', 'Роль', role), field('staff-agency', 'Орган власти (для исполнителя и ответственного лица)', agency),
    isNew ? null : h('label', { class: 'check' }, active, ' Доступ действует (снимите, чтобы отключить сотрудника)'),
    h('div', { class: 'buttons' }, submit), status);
    this.cardEl.replaceChildren(h('div', { class: 'card' }, form));
    (isNew ? email : name).focus();
  }

  // -- agencies ---------------------------------------------------------------------------------------
  paintAgencies() {
    const rows = this.agencies.map((a) => h('tr', {
      class: 'agency-row', tabindex: '0', dataset: { id: a.id }, onclick: () => this.agencyForm(a),
      onkeydown: (ev) => { if (ev.key === 'Enter') this.agencyForm(a); },
    }, h('td', {}, a.short_name || ''), h('td', {}, a.name || ''), h('td', {}, AGENCY_KINDS[a.kind] || a.kind || ''),
    h('td', { class: 'mono small' }, a.id)));
    this.listEl.replaceChildren(
      h('div', { class: 'list-head' }, h('h2', {}, 'Органы власти'), h('span', { class: 'muted' }, `всего: ${this.agencies.length}`),
        h('button', { type: 'button', id: 'agency-add', onclick: () => this.agencyForm(null) }, 'Добавить орган')),
      h('table', { class: 'cases', id: 'agency-table' },
        h('thead', {}, h('tr', {}, ['Кратко', 'Полное наименование', 'Вид', 'Код'].map((t) => h('th', {}, t)))),
        h('tbody', {}, rows)));
  }

  agencyForm(a) {
    const id = h('input', { type: 'text', id: 'agency-id', required: true, value: a ? a.id : '', disabled: Boolean(a),
      pattern: '[a-z0-9][a-z0-9_\\-]{1,62}', title: 'латиница, цифры, _ и -' });
    const name = h('textarea', { id: 'agency-name', rows: 2, required: true }, a ? a.name : '');
    const shortName = h('input', { type: 'text', id: 'agency-short', required: true, value: a ? a.short_name : '' });
    const kind = h('select', { id: 'agency-kind' }, Object.entries(AGENCY_KINDS).map(([value, label]) => h('option', {
      value, selected: (a ? a.kind : 'ministry') === value }, label)));
    const status = this.status();
    const form = h('form', { class: 'action-form', id: 'agency-form', onsubmit: async (ev) => {
      ev.preventDefault();
      try {
        await api.adminSaveAgency(await this.token(), id.value.trim(),
          { name: name.value.trim(), short_name: shortName.value.trim(), kind: kind.value });
        status.className = 'status ok';
        status.textContent = 'Сохранено.';
        this.reload('agencies');
      } catch (err) {
        status.className = 'status error';
        status.textContent = err.message;
      }
    } },
    h('h3', {}, a ? 'Орган власти' : 'Новый орган власти'),
    field('agency-id', 'Код (латиница, не меняется)', id), field('agency-name', 'Полное наименование', name),
    field('agency-short', 'Краткое наименование', shortName), field('agency-kind', 'Вид', kind),
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, 'Сохранить')), status);
    this.cardEl.replaceChildren(h('div', { class: 'card' }, form));
  }

  // -- dismissal reasons ------------------------------------------------------------------------------
  paintReasons(reasons) {
    const list = h('tbody', {});
    const addRow = (r = { code: '', label: '' }) => {
      const row = h('tr', { class: 'reason-row' },
        h('td', {}, h('input', { type: 'text', class: 'reason-code', value: r.code, 'aria-label': 'Код', required: true })),
        h('td', {}, h('input', { type: 'text', class: 'reason-label', value: r.label, 'aria-label': 'Формулировка', required: true })),
        h('td', {}, h('button', { type: 'button', 'aria-label': 'Удалить', onclick: () => row.remove() }, '✕')));
      list.append(row);
    };
    reasons.forEach((r) => addRow(r));
    const status = this.status();
    const form = h('form', { id: 'reasons-form', onsubmit: async (ev) => {
      ev.preventDefault();
      const rows = [...list.querySelectorAll('tr.reason-row')].map((tr) => ({
        code: tr.querySelector('.reason-code').value.trim(), label: tr.querySelector('.reason-label').value.trim() }));
      try {
        await api.adminSaveReasons(await this.token(), rows);
        status.className = 'status ok';
        status.textContent = 'Сохранено. Кураторы увидят новый список в течение минуты; уже отмеченные сообщения сохраняют прежнюю формулировку.';
      } catch (err) {
        status.className = 'status error';
        status.textContent = err.message;
      }
    } },
    h('table', { class: 'cases', id: 'reasons-table' },
      h('thead', {}, h('tr', {}, ['Код (латиница)', 'Формулировка для куратора', ''].map((t) => h('th', {}, t)))), list),
    h('div', { class: 'buttons' }, h('button', { type: 'button', id: 'reason-add', onclick: () => addRow() }, 'Добавить причину'),
      h('button', { type: 'submit', class: 'primary' }, 'Сохранить список')), status);
    this.listEl.replaceChildren(h('div', { class: 'list-head' }, h('h2', {}, 'Причины «не требует реагирования»')), form);
    this.cardEl.replaceChildren(h('p', { class: 'muted' },
      'Куратор выбирает причину из этого списка, отмечая сообщение как не требующее реагирования (пп. 1, 6, 8).'));
  }

  // -- triage's routing model (docs/triage.md) -------------------------------------------------------
  paintTriage({ in_use: inUse, models }) {
    const percent = (a) => (a ? `${Math.round(a.top1 * 100)}% / ${Math.round(a.top3 * 100)}%` : '—');
    const rows = models.map((m) => h('tr', { class: `model-row${m.version === inUse ? ' in-use' : ''}` },
      h('td', {}, m.at ? formatSamara(m.at) : '—'),
      h('td', { class: 'mono' }, m.version),
      h('td', {}, m.facts && m.facts.examples != null ? String(m.facts.examples) : '—'),
      h('td', {}, percent(m.accuracy)),
      h('td', {}, m.baseline ? `${percent(m.baseline)} (${m.baseline_name})` : '—'),
      h('td', {}, m.version === inUse ? 'используется' : (m.adopted ? 'была принята' : 'не принята'))));
    this.listEl.replaceChildren(h('div', { class: 'list-head' }, h('h2', {}, 'Разбор сообщений: выбор органа власти')),
      h('p', { id: 'triage-in-use' }, inUse ? `Органы власти предлагает модель ${inUse}, обученная на решениях кураторов.`
        : 'Органы власти предлагает рубрикатор: обученной модели, которая была бы точнее него, пока нет.'),
      models.length ? h('table', { class: 'cases', id: 'models-table' },
        h('thead', {}, h('tr', {}, ['Обучение', 'Версия', 'Сообщений', 'Точность: первым / среди трёх', 'Действовавшая', 'Итог']
          .map((t) => h('th', {}, t)))), h('tbody', {}, rows))
        : h('p', { class: 'muted' }, 'Переобучений ещё не было.'));
    this.cardEl.replaceChildren(h('p', { class: 'muted' },
      'Раз в неделю модель переобучается на направлениях кураторов за год. Точность измеряется на последних 20% '
      + 'направлений, которых модель при обучении не видела: доля сообщений, где верный орган власти предложен '
      + 'первым и где он среди трёх предложенных. Новая модель используется, только если она точнее действующей.'));
  }
}
