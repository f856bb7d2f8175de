import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as queuesModule from '../src/queues.js';

const { endOfLocalDay, queuesFor } = queuesModule;

test('an agency\'s queues always filter on the agency, as the rules demand', () => {
  const lead = { uid: 'u1', role: 'agency_lead', agency_id: 'mintrans' };
  const queues = queuesFor(lead);
  assert.deepEqual(queues.map((q) => q.id), ['new', 'mine', 'to_rework', 'to_publish', 'overdue', 'all']);
  for (const q of queues) {
    assert.ok(q.where.some(([f, op, v]) => f === 'agency_ids' && op === 'array-contains' && v === 'mintrans'), q.id);
  }
  assert.deepEqual(queuesFor({ role: 'executor', uid: 'x' }), []); // no agency: nothing to show
  assert.deepEqual(queuesFor({ role: 'admin', uid: 'a' }), []);
});

test('the curator\'s queues, and "due today" ends at midnight in Izhevsk', () => {
  const now = new Date('2026-12-02T19:30:00Z'); // 23:30 in Izhevsk
  const queues = queuesFor({ role: 'curator', uid: 'c' }, now);
  assert.deepEqual(queues.map((q) => q.id),
    ['all', 'to_route', 'to_pass_on', 'to_review', 'overdue', 'due_today', 'significant', 'maybe_significant', 'set_aside']);
  assert.deepEqual(queues.find((q) => q.id === 'maybe_significant').order, ['triage.significance', 'desc']);
  const today = queues.find((q) => q.id === 'due_today');
  assert.deepEqual(today.where[1], ['next_due', '<', new Date('2026-12-02T20:00:00Z')]);
  assert.equal(endOfLocalDay(new Date('2026-12-02T20:00:00Z')).toISOString(), '2026-12-03T20:00:00.000Z');
  assert.deepEqual(queues.find((q) => q.id === 'to_route').where, [['state', '==', 'detected']]);
});

test('a search asks for its longest word and checks the others on the rows', () => {
  const { searchQuery, matchesSearch } = queuesModule;
  assert.deepEqual(searchQuery('Фонтана на ТЕАТРАЛЬНОЙ'), { word: 'фонта', words: ['фонта', 'на', 'театр'] });
  assert.deepEqual(searchQuery('vk-77_1'), { word: 'vk-77_1', words: ['vk-77_1'] });
  assert.deepEqual(searchQuery('№ 2026-01234'), { word: '2026-01234', words: ['2026-01234'] }); // a short number, whole
  assert.deepEqual(searchQuery('1234'), { word: '1234', words: ['1234'] });
  assert.equal(searchQuery(' ! '), null);
  assert.equal(searchQuery('Ёлка').word, 'елка');
  assert.deepEqual(searchQuery('трасса Ижевск-Сарапул').words, ['трасс', 'ижевс', 'сарап']);
  const doc = { search_words: ['на', 'театр', 'фонта', 'vk-1'] };
  assert.ok(matchesSearch(doc, ['фонта', 'театр']));
  assert.ok(!matchesSearch(doc, ['фонта', 'парк']));
});

test('filters become clauses of the queue\'s query, or checks on its rows where the queue already tests the field', () => {
  const { queuesFor, withFilters, startOfLocalDay } = queuesModule;
  const curator = { role: 'curator', uid: 'c' };
  const [all, toRoute] = queuesFor(curator, new Date('2026-12-01T08:00:00Z'));
  const f = withFilters(all, { agency: 'minstroy', network: 'vk', municipality: 'glazov', from: '2026-12-01', to: '2026-12-02', state: 'assigned' });
  assert.deepEqual(f.where, [
    ['state', '==', 'assigned'], ['agency_ids', 'array-contains', 'minstroy'], ['message.network', '==', 'vk'],
    ['municipality_id', '==', 'glazov'],
    ['detected_at', '>=', new Date('2026-11-30T20:00:00Z')], ['detected_at', '<', new Date('2026-12-02T20:00:00Z')],
  ]);
  assert.equal(f.check, null);
  assert.equal(f.filtered, true);
  assert.deepEqual(startOfLocalDay('2026-12-01'), new Date('2026-11-30T20:00:00Z')); // Izhevsk is UTC+4
  const routed = withFilters(toRoute, { state: 'assigned' }); // «К направлению» already asks for `detected`
  assert.deepEqual(routed.where, toRoute.where);
  assert.equal(routed.check({ state: 'detected' }), false);
  const search = { id: 'search', where: [['search_words', 'array-contains', 'фонта']], order: ['detected_at', 'desc'] };
  const found = withFilters(search, { agency: 'minstroy' }); // one array-contains per query: checked on the rows
  assert.deepEqual(found.where, search.where);
  assert.equal(found.check({ agency_ids: ['minstroy'] }), true);
  assert.equal(withFilters(all, {}).filtered, false);
});
