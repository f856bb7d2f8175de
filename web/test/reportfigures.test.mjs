import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  HEADLINE, agencyGeometry, formatChange, formatFigure, monthTitle, niceMax, previousMonth, trendGeometry, trendOf,
} from '../src/reportfigures.js';

const item = (key) => HEADLINE.find((h) => h.key === key);

test('months are named and counted back across years', () => {
  assert.equal(monthTitle('2026-11'), 'ноябрь 2026 г.');
  assert.equal(previousMonth('2026-01'), '2025-12');
  assert.equal(previousMonth('2026-03', 14), '2025-01');
});

test('figures are shown as a Russian reader expects', () => {
  assert.equal(formatFigure(0.8125, 'share'), '81,3 %');
  assert.equal(formatFigure(4.5, 'decimal'), '4,50');
  assert.equal(formatFigure(12345, 'count').replace(/\s/g, ' '), '12 345');
  assert.equal(formatFigure(null, 'count'), '—');
});

test('a change is good or bad by what the figure means', () => {
  assert.deepEqual(formatChange(item('answered'), 120, 100), { text: '▲ 20 (20 %)', tone: 'good' });
  assert.deepEqual(formatChange(item('late'), 120, 100), { text: '▲ 20 (20 %)', tone: 'bad' });
  assert.deepEqual(formatChange(item('on_time_share'), 0.9, 0.85), { text: '▲ 5,0 п. п.', tone: 'good' });
  assert.deepEqual(formatChange(item('received'), 90, 100), { text: '▼ 10 (10 %)', tone: 'flat' });
  assert.deepEqual(formatChange(item('mean_rating'), 4, 4), { text: 'без изменений', tone: 'flat' });
  assert.deepEqual(formatChange(item('answered'), 5, null), { text: '', tone: 'flat' });
});

test('the trend covers twelve months, missing ones empty, and its bars fit the plot', () => {
  const briefs = [
    { month: '2026-11', overall: { received: 180, answered: 170, on_time_share: 0.9 } },
    { month: '2026-10', overall: { received: 90, answered: 88, on_time_share: 0.5 } },
    { month: '2025-10', overall: { received: 999 } }, // thirteen months back: not in the trend
  ];
  const trend = trendOf(briefs, '2026-11');
  assert.equal(trend.length, 12);
  assert.equal(trend[0].month, '2025-12');
  assert.equal(trend[0].brief, null);
  assert.equal(niceMax(180), 200);
  assert.equal(niceMax(0), 1);
  const g = trendGeometry(trend, { width: 600, height: 200, left: 40, right: 40, top: 10, bottom: 30 });
  const nov = g.bars.find((b) => b.month === '2026-11' && b.kind === 'received');
  assert.equal(g.max, 200);
  assert.ok(Math.abs(nov.h - 0.9 * g.plotH) < 1e-9);
  assert.ok(g.bars.every((b) => b.x >= 40 && b.x + b.w <= 560 && b.y >= 10 && b.y + b.h <= 170 + 1e-9));
  assert.deepEqual(g.points.map((p) => p.month), ['2026-10', '2026-11']);
  assert.ok(Math.abs(g.points[0].y - (10 + 0.5 * g.plotH)) < 1e-9);
});

test('agencies are ordered by their late deadlines, scaled to the longest bar', () => {
  const names = new Map([['a', 'Минстрой УР'], ['b', 'Минтранс УР']]);
  const g = agencyGeometry({ a: { on_time: 90, late: 10 }, b: { on_time: 40, late: 30 }, c: { on_time: 0, late: 0 } },
    names, { width: 500, label: 150 });
  assert.deepEqual(g.rows.map((r) => r.name), ['Минтранс УР', 'Минстрой УР']);
  const longest = g.rows[1].onTimeW + g.rows[1].lateW;
  assert.ok(Math.abs(longest - 300) < 1e-9); // 100 of a 100 axis over 500 - 150 - 50
});
