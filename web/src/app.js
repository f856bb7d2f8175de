// Otklik staff web client: Firebase Auth to sign in, Firestore listeners for live lists and countdowns,
// the staff API for every action (see docs/web.md).
import { initializeApp } from 'firebase/app';
import {
  browserLocalPersistence, browserSessionPersistence, connectAuthEmulator, getAuth, onAuthStateChanged, setPersistence,
  signInWithEmailAndPassword, signOut,
} from 'firebase/auth';
import {
  collection, connectFirestoreEmulator, doc, getCountFromServer, getDoc, getDocs, getFirestore, limit, onSnapshot,
  orderBy, query, where,
} from 'firebase/firestore';

import * as api from './api.js';
import { h } from './dom.js';
import { ROLE_LABELS } from './labels.js';
import { CaseCard } from './views/card.js';
import { setWorkCalendar, tickCountdowns } from './views/countdown.js';
import { renderList } from './views/list.js';
import { Mailbox } from './views/mailbox.js';
import { AdminScreen } from './views/admin.js';
import { matchesSearch, queuesFor, searchQuery, withFilters } from './queues.js';
import { renderFilters } from './views/filters.js';
import { renderNotifications } from './views/notifications.js';
import { renderReports } from './views/reports.js';
import { renderSignIn } from './views/signin.js';
import { renderSurges } from './views/surges.js';

const root = document.getElementById('app');
let session = null; // {user, me, unsubscribe: [], card, cases, selectedId}

function readError(err) {
  if (err && err.code === 'permission-denied') return 'Нет доступа к этим данным для вашей роли.';
  if (err && err.code === 'unavailable') return 'Нет связи с базой данных; повторяем попытку…';
  return `Ошибка загрузки данных${err && err.code ? ` (${err.code})` : ''}.`;
}

async function start() {
  let config;
  try {
    config = await api.loadConfig();
  } catch (err) {
    root.replaceChildren(h('p', { class: 'error' }, `Не удалось загрузить настройки: ${err.message}`));
    return;
  }
  const app = initializeApp({ apiKey: config.apiKey, authDomain: config.authDomain, projectId: config.projectId });
  const auth = getAuth(app);
  const db = getFirestore(app);
  if (config.authEmulatorHost) connectAuthEmulator(auth, `http://${config.authEmulatorHost}`, { disableWarnings: true });
  // Shared workstations (the admin's setting): the sign-in ends when the browser is closed. After the
  // emulator is connected: Firebase refuses to connect one once auth has been used.
  await setPersistence(auth, config.sessionOnly ? browserSessionPersistence : browserLocalPersistence);
  if (config.firestoreEmulatorHost) {
    const [host, port] = config.firestoreEmulatorHost.split(':');
    connectFirestoreEmulator(db, host, Number(port));
  }
  const hint = config.emulators
    ? 'Локальный стенд: демо-пользователи и пароль выводит make run.' : '';

  onAuthStateChanged(auth, async (user) => {
    stopSession();
    if (!user) {
      renderSignIn(root, { hint, onSubmit: (email, password) => signInWithEmailAndPassword(auth, email, password) });
      return;
    }
    root.replaceChildren(h('p', { class: 'muted' }, 'Вход…'));
    let me;
    try {
      me = await api.me(await user.getIdToken());
    } catch (err) {
      root.replaceChildren(h('div', { class: 'signin' }, h('p', { class: 'error' }, err.message),
        h('button', { type: 'button', onclick: () => signOut(auth) }, 'Выйти')));
      return;
    }
    startSession(db, auth, user, me, config);
  });
  setInterval(() => tickCountdowns(root), 30_000); // minutes, not seconds: no hundred ticking timers
}

const readsAll = (me) => me.role === 'curator' || me.role === 'supervisor';

function stopSession() {
  if (!session) return;
  session.unsubscribe.forEach((u) => u());
  if (session.cardUnsubscribe) session.cardUnsubscribe.forEach((u) => u());
  session = null;
}

async function startSession(db, auth, user, me, config) {
  const agencies = new Map();
  try {
    (await getDocs(collection(db, 'agencies'))).forEach((d) => agencies.set(d.id, d.data()));
  } catch {
    // The names are a convenience: ids are shown without them.
  }
  const listEl = h('div', { id: 'case-list-body' });
  const tabsEl = h('nav', { class: 'queues', id: 'queues', 'aria-label': 'Очереди' });
  const loadSlot = h('div', {});
  const filtersEl = h('div', { id: 'filters' });
  const listPane = h('section', { class: 'list', id: 'case-list' }, loadSlot, tabsEl, filtersEl, listEl);
  const cardEl = h('section', { class: 'card-pane', id: 'card-pane' },
    h('p', { class: 'muted' }, 'Выберите обращение в списке слева.'));
  const notesEl = h('section', { class: 'notes', id: 'notifications' },
    h('p', { class: 'muted small' }, 'Уведомления: загрузка…'));
  const agency = me.agency_id ? (agencies.get(me.agency_id) || {}).short_name || me.agency_id : '';
  const readsReports = readsAll(me);
  let showReports = () => {};
  const header = h('header', {},
    h('strong', { class: 'brand' }, 'Отклик'),
    h('span', { class: 'who', id: 'whoami' }, me.name || user.email || me.uid, ' — ',
      h('span', { id: 'role' }, ROLE_LABELS[me.role] || me.role), agency ? `, ${agency}` : ''),
    readsReports ? h('button', { type: 'button', id: 'open-reports', onclick: () => showReports() }, 'Отчёты (п. 21)') : null,
    h('button', { type: 'button', onclick: () => signOut(auth) }, 'Выйти'));
  const surgesEl = h('section', { class: 'surges', id: 'surges', hidden: true });
  root.replaceChildren(header, notesEl, surgesEl, h('main', {}, listPane, cardEl));

  session = { user, me, unsubscribe: [], cardUnsubscribe: [], cases: [], selectedId: null };
  const s = session;
  let reasons = [];
  if (me.role === 'curator') {
    api.dismissalReasons(await user.getIdToken()).then((r) => { reasons = r.reasons; }).catch((err) => console.warn(err));
  }
  const bulk = me.role === 'curator' ? {
    selected: new Set(),
    reasons: () => reasons,
    onDismiss: async (ids, reason) => {
      const versions = new Map(s.cases.map((c) => [c.id, c.version]));
      const done = await api.dismissMany(await user.getIdToken(), ids.map((id) => ({ id, version: versions.get(id) })), reason);
      const refused = done.results.filter((r) => !r.ok);
      done.results.filter((r) => r.ok).forEach((r) => bulk.selected.delete(r.id));
      return `Отмечено: ${done.dismissed}` + (refused.length
        ? `; не отмечено ${refused.length}: ${refused.map((r) => `${r.id} — ${r.message}`).join('; ')}` : '.');
    },
  } : null;
  api.calendar(await user.getIdToken()).then((data) => { setWorkCalendar(data); tickCountdowns(root); })
    .catch((err) => console.warn('calendar', err)); // until it comes, clock time is counted
  let people = [];
  const loadEl = h('section', { class: 'load', id: 'executor-load', hidden: true });
  loadSlot.append(loadEl);
  if (me.role === 'agency_lead') {
    api.staff(await user.getIdToken()).then((r) => { people = r.staff; paintLoad(); }).catch((err) => console.warn(err));
  }
  // The lead's view of the agency's load: each active executor's cases in work (a count query each), a name
  // opening that executor's cases; reassigning is the card's «Назначить исполнителя».
  const WORKING = ['in_progress', 'rework', 'in_review', 'approved'];
  function paintLoad() {
    const executors = people.filter((p) => p.role === 'executor' && p.agency_id === me.agency_id);
    if (!executors.length) return;
    loadEl.hidden = false;
    const rows = executors.map((p) => {
      const cell = h('td', { class: 'num', dataset: { uid: p.uid } }, '…');
      getCountFromServer(query(collection(db, 'cases'), where('agency_ids', 'array-contains', me.agency_id),
        where('executor_uid', '==', p.uid), where('state', 'in', WORKING)))
        .then((snap) => { cell.textContent = String(snap.data().count); })
        .catch(() => { cell.textContent = '—'; });
      return h('tr', {}, h('td', {}, h('a', { href: '#', onclick: (ev) => {
        ev.preventDefault();
        current = { id: `executor:${p.uid}`, label: `Исполнитель: ${p.name}`, order: ['detected_at', 'desc'],
          where: [['agency_ids', 'array-contains', me.agency_id], ['executor_uid', '==', p.uid]] };
        shown = PAGE;
        subscribeList();
      } }, p.name)), cell);
    });
    loadEl.replaceChildren(h('details', { open: true }, h('summary', {}, 'Нагрузка исполнителей (в работе)'),
      h('table', { class: 'load-table', id: 'load-table' }, h('tbody', {}, rows))));
  }
  const card = new CaseCard(cardEl, {
    me, agencies, reasons: () => reasons, staff: () => people, cases: () => s.cases, municipalities: () => municipalities,
    searchCases: async (text) => {
      const found = searchQuery(text);
      if (!found || !readsAll(me)) return [];
      const snap = await getDocs(query(collection(db, 'cases'), where('search_words', 'array-contains', found.word),
        orderBy('detected_at', 'desc'), limit(20)));
      return snap.docs.map((d) => ({ id: d.id, ...d.data() })).filter((c) => matchesSearch(c, found.words));
    },
    loadCase: async (id) => {
      const snap = await getDoc(doc(db, 'cases', id));
      return snap.exists() ? { id: snap.id, ...snap.data() } : null;
    },
    runCommand: async (caseId, command, body) => api.runCommand(await user.getIdToken(), caseId, command, body),
  });

  let order = 'urgency';
  const paintList = () => {
    renderList(listEl, s.cases, {
      selectedId: s.selectedId, onOpen: openCase, bulk, me, order, onOrder: (value) => { order = value; paintList(); },
    });
    if (s.rows >= shown) { // the queue has more: a query for more rows, not a bigger window in memory
      listEl.append(h('button', { type: 'button', id: 'more-cases', class: 'more',
        onclick: () => { shown += PAGE; subscribeList(); } }, `Показать ещё ${PAGE}`));
    }
  };
  const relist = setInterval(() => { if (s.cases.length) paintList(); }, 60_000); // deadlines fall due as time passes
  s.unsubscribe.push(() => clearInterval(relist));
  const openCase = (caseId) => {
    const link = `#case=${encodeURIComponent(caseId)}`;
    if (window.location.hash !== link) window.history.pushState(null, '', link); // its own address: Back, reload
    s.cardUnsubscribe.forEach((u) => u());
    s.selectedId = caseId;
    listEl.querySelectorAll('tr.case-row').forEach((tr) => tr.classList.toggle('selected', tr.dataset.caseId === caseId));
    card.show(caseId);
    s.cardUnsubscribe = [
      onSnapshot(doc(db, 'cases', caseId), (snap) => {
        if (snap.exists()) card.update({ id: snap.id, ...snap.data() });
        else card.missing('Обращение не найдено.');
      }, (err) => card.missing(readError(err))),
      onSnapshot(query(collection(db, 'cases', caseId, 'events'), orderBy('version')),
        (snap) => card.updateEvents(snap.docs.map((d) => d.data())), () => card.updateEvents([])),
    ];
  };

  // The live list, one work queue at a time (web/src/queues.js): curators and supervisors see every case;
  // an agency's staff's queries filter on their agency (firestore.rules refuse any other). Each queue is
  // a query of PAGE rows, live; «Показать ещё» asks for PAGE more; the tabs show each queue's count (an
  // aggregation query, refreshed each minute). Admins do not read cases.
  const PAGE = 50;
  const queues = queuesFor(me);
  const counts = new Map();
  let current = queues[0] || null;
  let shown = PAGE;
  let unsubscribeList = () => {};
  // The curator's filters apply to every queue (and its count): clauses of the same query (queues.js).
  let filters = {};
  const municipalities = new Map();
  const paintFilters = () => renderFilters(filtersEl, filters, {
    agencies, municipalities, onChange: (next) => { filters = next; shown = PAGE; paintFilters(); subscribeList(); countQueues(); },
  });
  if (readsAll(me)) {
    paintFilters();
    getDocs(collection(db, 'municipalities'))
      .then((snap) => { snap.forEach((d) => municipalities.set(d.id, d.data().name || d.id)); paintFilters(); })
      .catch(() => {}); // the filter by municipality waits for the names
  }
  const queueQuery = (queue, rows) => {
    const q = readsAll(me) ? withFilters(queue, filters) : queue;
    const parts = q.where.map(([field, op, value]) => where(field, op, value));
    return rows ? query(collection(db, 'cases'), ...parts, orderBy(...q.order), limit(rows))
      : query(collection(db, 'cases'), ...parts);
  };
  // Search (curators, supervisors): the case's number or words of its message, author or link; Firestore
  // finds the longest word (`search_words`), the rest are checked on the rows.
  const searchInput = h('input', { type: 'search', id: 'search-input', placeholder: 'Поиск: номер, текст, автор, ссылка',
    'aria-label': 'Поиск обращений' });
  const searchForm = readsAll(me) ? h('form', { id: 'case-search', class: 'case-search', onsubmit: (ev) => {
    ev.preventDefault();
    const found = searchQuery(searchInput.value);
    if (!found) return;
    current = { id: 'search', label: `Поиск: ${searchInput.value.trim()}`, words: found.words,
      where: [['search_words', 'array-contains', found.word]], order: ['detected_at', 'desc'] };
    shown = PAGE;
    subscribeList();
  } }, searchInput, h('button', { type: 'submit' }, 'Найти')) : null;
  // The tabs are drawn again as counts come in; the search form stays where it is (moving it would take
  // the focus, and an Enter, from someone typing in it).
  const tabButtons = h('span', { class: 'queue-tabs' });
  tabsEl.replaceChildren(...[tabButtons, searchForm].filter(Boolean));
  const paintTabs = () => tabButtons.replaceChildren(...[...queues.map((q) => h('button', {
    type: 'button', class: `queue${q === current ? ' active' : ''}`, dataset: { queue: q.id },
    'aria-pressed': q === current ? 'true' : 'false', onclick: () => { current = q; shown = PAGE; subscribeList(); },
  }, q.label, counts.has(q.id) ? h('span', { class: 'queue-count' }, ` ${counts.get(q.id)}`) : null)),
  current && !queues.includes(current) ? h('span', { class: 'queue active search-label' }, current.label) : null,
  ].filter(Boolean)); // replaceChildren would write a null as the text "null"
  const countQueues = () => queues.forEach((q) => getCountFromServer(queueQuery(q, 0))
    .then((snap) => { counts.set(q.id, snap.data().count); paintTabs(); })
    .catch((err) => console.warn('count', q.id, err)));
  let countSoon = null; // the counts follow a change of the list, at most once in two seconds
  const recountSoon = () => { if (!countSoon) countSoon = setTimeout(() => { countSoon = null; countQueues(); }, 2000); };
  function subscribeList() {
    unsubscribeList();
    paintTabs();
    listEl.replaceChildren(h('p', { class: 'muted' }, 'Загрузка обращений…'));
    const { check } = withFilters(current, readsAll(me) ? filters : {});
    unsubscribeList = onSnapshot(queueQuery(current, shown), { includeMetadataChanges: true }, (snap) => {
      s.rows = snap.size; // what the query gave: «Показать ещё» asks for more while it gives a full page
      s.cases = snap.docs.map((d) => ({ id: d.id, ...d.data() }))
        .filter((c) => (!current.words || matchesSearch(c, current.words)) && (!check || check(c)));
      paintList();
      // For bench/work_queue.py: when a queue's rows came, from the local cache or confirmed by the server.
      performance.mark('otklik-list', { detail: { queue: current.id, fromCache: snap.metadata.fromCache, rows: s.cases.length } });
      recountSoon();
      if (surges.length) paintSurges(); // the surges' messages are named from the list
    }, (err) => listEl.replaceChildren(h('p', { class: 'error' }, readError(err))));
  }
  if (current) {
    subscribeList();
    countQueues();
    const recount = setInterval(countQueues, 60_000);
    s.unsubscribe.push(() => { clearInterval(recount); clearTimeout(countSoon); unsubscribeList(); });
  } else {
    listEl.replaceChildren(h('p', { class: 'muted' }, 'Для вашей роли обращения не показываются.'));
  }

  const token = () => user.getIdToken();
  const quietly = (promise) => promise.catch((err) => console.warn(err)); // the list follows Firestore anyway
  let notes = [];
  let surges = [];
  let surgeId = null;
  const paintSurges = () => renderSurges(surgesEl, surges, {
    openId: surgeId, onOpenCase: openCase, caseOf: (id) => s.cases.find((c) => c.id === id),
  });
  const openSurge = (id) => { surgeId = id; paintSurges(); };
  const paintNotes = () => renderNotifications(notesEl, notes, {
    onOpen: openCase,
    onOpenSurge: openSurge,
    onRead: async (id) => quietly(api.markRead(await token(), id)),
    onReadAll: async () => quietly(api.markAllRead(await token())),
    notifyBy: me.notify_by || 'email',
    onNotifyBy: async (value) => {
      try {
        await api.setNotifyBy(await token(), value);
        me.notify_by = value;
      } catch (err) {
        notesEl.append(h('p', { class: 'error small' }, err.message));
      }
    },
  });
  s.unsubscribe.push(onSnapshot(
    query(collection(db, 'notifications'), where('recipient_uid', '==', user.uid), orderBy('created_at', 'desc'), limit(50)),
    (snap) => { notes = snap.docs.map((d) => ({ id: d.id, ...d.data() })); paintNotes(); },
    (err) => notesEl.replaceChildren(h('p', { class: 'error small' }, `Уведомления: ${readError(err)}`)),
  ));

  if (me.role === 'admin') showAdmin(db, { tabsEl, listEl, cardEl }, s, token, config);
  if (me.role === 'curator' || me.role === 'supervisor') {
    const weekAgo = new Date(Date.now() - 7 * 86400 * 1000);
    s.unsubscribe.push(onSnapshot(
      query(collection(db, 'surges'), where('last_at', '>=', weekAgo), orderBy('last_at', 'desc'), limit(20)),
      (snap) => { surges = snap.docs.map((d) => ({ id: d.id, ...d.data() })); paintSurges(); },
      (err) => console.warn('surges', err),
    ));
  }

  if (readsReports) showReports = reportsDashboard(cardEl, s, agencies, listEl, municipalities, db);

  // A link from a letter or a notification: /web/#case=<id> opens that case, #surge=<id> that surge,
  // #report=<YYYY-MM> that month's report.
  const fromHash = () => {
    const match = /^#(case|surge|report)=(.+)$/.exec(window.location.hash);
    if (match && match[1] === 'case' && decodeURIComponent(match[2]) !== s.selectedId) openCase(decodeURIComponent(match[2]));
    if (match && match[1] === 'surge') openSurge(decodeURIComponent(match[2]));
    if (match && match[1] === 'report') showReports(decodeURIComponent(match[2]));
  };
  window.onhashchange = fromHash;
  window.onpopstate = fromHash;
  fromHash();
  if (me.role === 'supervisor' && !window.location.hash) showReports(); // the Head's people start from the report
}

// The §21 dashboard in the card pane (docs/web.md): the months' briefs, live; the files downloaded on demand.
// Returns the function that shows it (for a month, or the latest).
// `municipalities` is the session's map of names (the filters load it once for both).
function reportsDashboard(cardEl, s, agencies, listEl, municipalities, db) {
  const names = new Map([...agencies].map(([id, a]) => [id, a.short_name || a.name || id]));
  let briefs = null;
  let month = null;
  let visible = false;
  let unsubscribe = null;
  const download = async (name) => {
    const status = cardEl.querySelector('#download-status');
    try {
      const snap = await getDoc(doc(db, 'report_files', name));
      if (!snap.exists()) throw new Error('файла нет');
      const { data, content_type: type } = snap.data();
      const link = h('a', { href: URL.createObjectURL(new Blob([data.toUint8Array()], { type })), download: name });
      document.body.append(link);
      link.click();
      link.remove();
      if (status) status.textContent = `Скачан ${name}`;
    } catch (err) {
      if (status) status.textContent = `Не удалось скачать ${name}: ${readError(err)}`;
    }
  };
  const paint = () => {
    if (!visible) return;
    if (briefs === null) {
      cardEl.replaceChildren(h('p', { class: 'muted' }, 'Загрузка отчётов…'));
      return;
    }
    renderReports(cardEl, briefs, {
      month, names, municipalities, onDownload: download, onMonth: (m) => { month = m; paint(); },
    });
  };
  return (wanted) => {
    s.cardUnsubscribe.forEach((u) => u());
    s.cardUnsubscribe = [];
    s.selectedId = null;
    listEl.querySelectorAll('tr.case-row.selected').forEach((tr) => tr.classList.remove('selected'));
    visible = true;
    if (wanted) month = wanted;
    if (!unsubscribe) {
      unsubscribe = onSnapshot(query(collection(db, 'report_months'), orderBy('month', 'desc'), limit(24)),
        (snap) => { briefs = snap.docs.map((d) => ({ month: d.id, ...d.data() })); paint(); },
        (err) => cardEl.replaceChildren(h('p', { class: 'error' }, `Отчёты: ${readError(err)}`)));
      s.unsubscribe.push(() => unsubscribe());
    }
    // A case opened from the list takes the pane back.
    s.cardUnsubscribe.push(() => { visible = false; });
    paint();
  };
}

// The admin's screen (docs/web.md): staff, agencies, dismissal reasons (views/admin.js) and the mailbox,
// one tab at a time in the list pane, the forms and letters in the card pane.
function showAdmin(db, { tabsEl, listEl, cardEl }, s, token, config) {
  const screen = new AdminScreen(listEl, cardEl, token, { sessionOnly: Boolean(config.sessionOnly) });
  const mailList = h('div', { id: 'mail-list' });
  const view = new Mailbox(mailList, cardEl);
  const tabs = [['staff', 'Сотрудники'], ['agencies', 'Органы власти'], ['reasons', 'Причины «без реагирования»'], ['triage', 'Разбор сообщений'], ['mail', 'Почта']];
  let active = 'staff';
  const show = (id) => {
    active = id;
    tabsEl.replaceChildren(...tabs.map(([tab, label]) => h('button', {
      type: 'button', class: `queue${tab === active ? ' active' : ''}`, dataset: { tab }, 'aria-pressed': tab === active ? 'true' : 'false',
      onclick: () => show(tab),
    }, label)));
    cardEl.replaceChildren(h('p', { class: 'muted' }, id === 'mail' ? 'Выберите письмо в списке слева.' : 'Выберите строку или добавьте новую.'));
    if (id === 'mail') {
      screen.current = 'mail'; // a tab's load still under way paints nothing now
      listEl.replaceChildren(mailList);
    } else {
      screen.load(id);
    }
  };
  s.unsubscribe.push(onSnapshot(query(collection(db, 'mail'), orderBy('created_at', 'desc'), limit(100)),
    (snap) => view.update(snap.docs.map((d) => ({ id: d.id, ...d.data() }))),
    (err) => mailList.replaceChildren(h('p', { class: 'error' }, readError(err)))));
  show('staff');
}

start();
