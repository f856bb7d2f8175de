// The §21 dashboard's arithmetic, pure (no DOM, no Firebase; tested with `node --test web/test/`): the
// months' briefs as the monthly report keeps them (`report_months/{YYYY-MM}`, reports/dynamics.py), the
// headline figures against the previous month, and the charts' geometry in SVG units.

const MONTHS = ['январь', 'февраль', 'март', 'апрель', 'май', 'июнь', 'июль', 'август', 'сентябрь', 'октябрь',
  'ноябрь', 'декабрь'];
const SHORT = ['янв', 'фев', 'мар', 'апр', 'май', 'июн', 'июл', 'авг', 'сен', 'окт', 'ноя', 'дек'];

// The headline figures: key of a scope's brief, Russian label, kind, and whether more is better.
export const HEADLINE = [
  { key: 'received', label: 'Поступило', kind: 'count', better: null },
  { key: 'answered', label: 'Дан ответ', kind: 'count', better: 'up' },
  { key: 'open_at_end', label: 'Не завершено на конец месяца', kind: 'count', better: 'down' },
  { key: 'late', label: 'Сроков с нарушением', kind: 'count', better: 'down' },
  { key: 'on_time_share', label: 'Сроков соблюдено', kind: 'share', better: 'up' },
  { key: 'median_answer_hours', label: 'Медиана до ответа, раб. ч', kind: 'decimal', better: 'down' },
  { key: 'first_pass_share', label: 'Согласовано с первого раза', kind: 'share', better: 'up' },
  { key: 'mean_rating', label: 'Средняя оценка куратора', kind: 'decimal', better: 'up' },
];

export function monthTitle(month) {
  const [year, mon] = month.split('-').map(Number);
  return `${MONTHS[mon - 1]} ${year} г.`;
}

export function shortMonth(month) {
  const [year, mon] = month.split('-').map(Number);
  return `${SHORT[mon - 1]} ${String(year).slice(2)}`;
}

export function previousMonth(month, back = 1) {
  const [year, mon] = month.split('-').map(Number);
  const index = year * 12 + mon - 1 - back;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

const number = (value, digits) => value.toLocaleString('ru-RU', { minimumFractionDigits: digits, maximumFractionDigits: digits });

// A figure as shown: shares in percent, decimals with a comma, "—" for none.
export function formatFigure(value, kind) {
  if (value === null || value === undefined) return '—';
  if (kind === 'share') return `${number(value * 100, 1)} %`;
  if (kind === 'decimal') return number(value, 2);
  return number(value, 0);
}

// The change against the previous month: its text and whether it is good, bad or neither.
export function formatChange(item, now, before) {
  if (now === null || now === undefined || before === null || before === undefined) return { text: '', tone: 'flat' };
  const delta = now - before;
  if (Math.abs(delta) < 1e-9) return { text: 'без изменений', tone: 'flat' };
  const arrow = delta > 0 ? '▲' : '▼';
  let text;
  if (item.kind === 'share') text = `${arrow} ${number(Math.abs(delta) * 100, 1)} п. п.`;
  else if (item.kind === 'decimal') text = `${arrow} ${number(Math.abs(delta), 2)}`;
  else text = `${arrow} ${number(Math.abs(delta), 0)}${before ? ` (${number(Math.abs(delta / before) * 100, 0)} %)` : ''}`;
  const tone = item.better === null ? 'flat' : (delta > 0) === (item.better === 'up') ? 'good' : 'bad';
  return { text, tone };
}

// The twelve months up to `month`, oldest first: [{month, brief (the region's) or null}].
export function trendOf(briefs, month) {
  const byMonth = new Map(briefs.map((b) => [b.month, b]));
  const out = [];
  for (let back = 11; back >= 0; back -= 1) {
    const m = previousMonth(month, back);
    out.push({ month: m, brief: (byMonth.get(m) || {}).overall || null });
  }
  return out;
}

// A round axis maximum at or above `value` (1, 2, 5 × 10^n).
export function niceMax(value) {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

// The trend chart's geometry: two bars a month (received, answered) against the left axis, the share of
// deadlines met on time as a line against the right (0–100 %).
export function trendGeometry(trend, { width = 640, height = 220, left = 44, right = 44, top = 16, bottom = 28 } = {}) {
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const max = niceMax(Math.max(0, ...trend.map((t) => Math.max((t.brief || {}).received || 0, (t.brief || {}).answered || 0))));
  const slot = plotW / trend.length;
  const barW = slot * 0.34;
  const y = (v) => top + plotH - (v / max) * plotH;
  const bars = [];
  const points = [];
  trend.forEach((t, i) => {
    const x0 = left + i * slot + slot / 2;
    for (const [kind, dx] of [['received', -barW], ['answered', 0]]) {
      const value = (t.brief || {})[kind] || 0;
      bars.push({ kind, month: t.month, value, x: x0 + dx, y: y(value), w: barW, h: top + plotH - y(value) });
    }
    const share = (t.brief || {}).on_time_share;
    if (share !== null && share !== undefined) {
      points.push({ month: t.month, share, x: x0, y: top + plotH - share * plotH });
    }
  });
  const ticks = [0, 0.5, 1].map((f) => ({ value: max * f, y: y(max * f) }));
  const labels = trend.map((t, i) => ({ month: t.month, text: shortMonth(t.month), x: left + i * slot + slot / 2 }));
  return { width, height, left, right, top, bottom, plotW, plotH, max, bars, points, ticks, labels };
}

// Each agency's deadlines on time and late as stacked horizontal bars, the most late first.
export function agencyGeometry(agencies, names, { width = 640, row = 22, label = 190, limit = 15 } = {}) {
  const rows = Object.entries(agencies || {})
    .map(([id, s]) => ({ id, name: names.get(id) || id, onTime: s.on_time || 0, late: s.late || 0 }))
    .filter((r) => r.onTime + r.late > 0)
    .sort((a, b) => b.late - a.late || (b.onTime + b.late) - (a.onTime + a.late) || a.name.localeCompare(b.name, 'ru'))
    .slice(0, limit);
  const max = niceMax(Math.max(0, ...rows.map((r) => r.onTime + r.late)));
  const plotW = width - label - 50;
  return {
    width,
    height: rows.length * row + 8,
    rows: rows.map((r, i) => ({
      ...r,
      y: 4 + i * row,
      onTimeW: (r.onTime / max) * plotW,
      lateW: (r.late / max) * plotW,
      x: label,
    })),
    row,
  };
}
