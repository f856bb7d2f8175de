// The supervisor's dashboard of the §21 monthly report: a month's headline figures against the previous
// month, twelve months as a chart, each agency's deadlines as a chart and a table, the messages by network,
// municipality and community, and the report's two files to download. It reads the months' briefs the
// monthly report keeps (`report_months`), never the cases: the same figures as the XLSX and the PDF.
import { h } from '../dom.js';
import { NETWORK_LABELS } from '../labels.js';
import {
  HEADLINE, agencyGeometry, formatChange, formatFigure, monthTitle, previousMonth, trendGeometry, trendOf,
} from '../reportfigures.js';

const SVG = 'http://www.w3.org/2000/svg';

function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, String(value));
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined) continue;
    el.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return el;
}

function trendChart(trend) {
  const g = trendGeometry(trend);
  const bottom = g.top + g.plotH;
  const line = g.points.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
  return s('svg', { viewBox: `0 0 ${g.width} ${g.height}`, class: 'chart', id: 'trend-chart', role: 'img',
    'aria-label': 'Двенадцать месяцев: поступило, дан ответ, доля сроков в срок' },
  g.ticks.map((t) => [
    s('line', { x1: g.left, x2: g.width - g.right, y1: t.y, y2: t.y, class: 'grid' }),
    s('text', { x: g.left - 6, y: t.y + 4, 'text-anchor': 'end', class: 'axis' }, formatFigure(t.value, 'count')),
  ]),
  [0, 50, 100].map((p) => s('text', { x: g.width - g.right + 6, y: bottom - (p / 100) * g.plotH + 4, class: 'axis' },
    `${p} %`)),
  g.bars.map((b) => s('rect', { x: b.x, y: b.y, width: b.w, height: Math.max(b.h, 0), class: `bar ${b.kind}` },
    s('title', {}, `${b.month}: ${b.kind === 'received' ? 'поступило' : 'дан ответ'} ${b.value}`))),
  line ? s('polyline', { points: line, class: 'share-line' }) : null,
  g.points.map((p) => s('circle', { cx: p.x, cy: p.y, r: 3, class: 'share-point' },
    s('title', {}, `${p.month}: сроков в срок ${formatFigure(p.share, 'share')}`))),
  g.labels.map((l) => s('text', { x: l.x, y: g.height - 8, 'text-anchor': 'middle', class: 'axis' }, l.text)));
}

function agencyChart(agencies, names) {
  const g = agencyGeometry(agencies, names);
  if (!g.rows.length) return h('p', { class: 'muted' }, 'Сроков по органам в этом месяце нет.');
  return s('svg', { viewBox: `0 0 ${g.width} ${g.height}`, class: 'chart', id: 'agency-chart', role: 'img',
    'aria-label': 'Сроки по исполнительным органам: в срок и с нарушением' },
  g.rows.map((r) => [
    s('text', { x: r.x - 8, y: r.y + g.row / 2 + 2, 'text-anchor': 'end', class: 'label' }, r.name),
    s('rect', { x: r.x, y: r.y + 3, width: r.onTimeW, height: g.row - 8, class: 'bar on-time' },
      s('title', {}, `${r.name}: в срок ${r.onTime}`)),
    s('rect', { x: r.x + r.onTimeW, y: r.y + 3, width: r.lateW, height: g.row - 8, class: 'bar late' },
      s('title', {}, `${r.name}: с нарушением ${r.late}`)),
    s('text', { x: r.x + r.onTimeW + r.lateW + 6, y: r.y + g.row / 2 + 2, class: 'axis' },
      `${r.onTime} / ${r.late}`),
  ]));
}

function counts(title, counter, label = (k) => k) {
  const rows = Object.entries(counter || {}).sort((a, b) => b[1] - a[1]).slice(0, 10);
  return h('div', { class: 'dim' }, h('h3', {}, title),
    rows.length ? h('table', {}, h('tbody', {}, rows.map(([k, v]) => h('tr', {},
      h('td', {}, label(k)), h('td', { class: 'num' }, formatFigure(v, 'count'))))))
      : h('p', { class: 'muted small' }, 'Нет данных.'));
}

export function renderReports(root, briefs, { month, names, municipalities = new Map(), onMonth, onDownload }) {
  if (!briefs.length) {
    root.replaceChildren(h('div', { class: 'card', id: 'reports' }, h('h2', {}, 'Ежемесячный отчёт (п. 21)'),
      h('p', { class: 'muted' }, 'Отчётов ещё нет: первый будет составлен в первый рабочий день месяца в 9:00.')));
    return;
  }
  const months = briefs.map((b) => b.month).sort().reverse();
  const shown = months.includes(month) ? month : months[0];
  const brief = briefs.find((b) => b.month === shown);
  const before = (briefs.find((b) => b.month === previousMonth(shown)) || {}).overall || {};
  const overall = brief.overall || {};
  const tiles = HEADLINE.map((item) => {
    const change = formatChange(item, overall[item.key], before[item.key]);
    return h('div', { class: 'tile', dataset: { key: item.key } },
      h('div', { class: 'tile-label' }, item.label),
      h('div', { class: 'tile-value' }, formatFigure(overall[item.key], item.kind)),
      h('div', { class: `tile-change ${change.tone}` }, change.text));
  });
  const agencyRows = Object.entries(brief.agencies || {})
    .map(([id, a]) => ({ id, name: names.get(id) || id, ...a }))
    .sort((a, b) => (b.late || 0) - (a.late || 0) || a.name.localeCompare(b.name, 'ru'));
  root.replaceChildren(h('div', { class: 'card reports', id: 'reports' },
    h('div', { class: 'card-head' },
      h('h2', {}, 'Ежемесячный отчёт (п. 21)'),
      h('select', { id: 'report-month', onchange: (ev) => onMonth(ev.target.value) },
        months.map((m) => h('option', { value: m, selected: m === shown }, monthTitle(m))))),
    h('div', { class: 'downloads' },
      h('button', { type: 'button', id: 'download-xlsx', onclick: () => onDownload(`otklik-${shown}.xlsx`) }, 'Скачать XLSX'),
      h('button', { type: 'button', id: 'download-pdf', onclick: () => onDownload(`otklik-${shown}.pdf`) }, 'Скачать PDF'),
      h('span', { class: 'muted small', id: 'download-status' })),
    h('div', { class: 'tiles', id: 'report-tiles' }, tiles),
    h('p', { class: 'muted small' }, `Изменения — к предыдущему месяцу. Сообщения, выявленные за ${monthTitle(shown)}, `
      + 'по состоянию на момент составления отчёта.'),
    h('h3', {}, 'Двенадцать месяцев'),
    h('div', { class: 'legend small' }, h('span', { class: 'key received' }), 'поступило ',
      h('span', { class: 'key answered' }), 'дан ответ ', h('span', { class: 'key share' }), 'сроков в срок, %'),
    trendChart(trendOf(briefs, shown)),
    h('h3', {}, 'Исполнительные органы: сроки в срок / с нарушением'),
    agencyChart(brief.agencies, names),
    h('table', { id: 'report-agencies' },
      h('thead', {}, h('tr', {}, ['Исполнительный орган', 'Поступило', 'Дан ответ', 'С нарушением', 'В срок, %',
        'Оценка'].map((t) => h('th', {}, t)))),
      h('tbody', {}, agencyRows.map((a) => h('tr', {},
        h('td', {}, a.name), h('td', { class: 'num' }, formatFigure(a.received, 'count')),
        h('td', { class: 'num' }, formatFigure(a.answered, 'count')),
        h('td', { class: `num${a.late ? ' error' : ''}` }, formatFigure(a.late, 'count')),
        h('td', { class: 'num' }, formatFigure(a.on_time_share, 'share')),
        h('td', { class: 'num' }, formatFigure(a.mean_rating, 'decimal')))))),
    h('div', { class: 'dims' },
      counts('По социальным сетям', brief.by_network, (k) => NETWORK_LABELS[k] || k),
      counts('По муниципальным образованиям', brief.by_municipality, (k) => (k === '—' ? 'не определено' : municipalities.get(k) || k)),
      counts('По сообществам', brief.by_community))));
}
