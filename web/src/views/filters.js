// The curator's filters over any work queue (queues.js withFilters): state, agency, network, municipality,
// the days of detection. Each change calls onChange with the whole set; «Сбросить» clears them.
import { h } from '../dom.js';
import { NETWORK_LABELS, STATE_LABELS } from '../labels.js';

const FIELDS = [
  ['state', 'Состояние'], ['agency', 'Орган власти'], ['network', 'Сеть'], ['municipality', 'Муниципальное образование'],
];

export function renderFilters(root, filters, { agencies, municipalities, onChange }) {
  const options = {
    state: Object.entries(STATE_LABELS),
    agency: [...agencies.entries()].map(([id, a]) => [id, a.short_name || a.name || id])
      .sort(([, a], [, b]) => a.localeCompare(b, 'ru')),
    network: Object.entries(NETWORK_LABELS),
    municipality: [...municipalities.entries()].sort(([, a], [, b]) => a.localeCompare(b, 'ru')),
  };
  const set = (name, value) => onChange({ ...filters, [name]: value || undefined });
  const selects = FIELDS.map(([name, label]) => h('label', { class: 'filter' }, `${label} `,
    h('select', { id: `filter-${name}`, onchange: (ev) => set(name, ev.target.value) },
      h('option', { value: '' }, 'все'),
      options[name].map(([value, text]) => h('option', { value, selected: filters[name] === value }, text)))));
  const day = (name, label) => h('label', { class: 'filter' }, `${label} `,
    h('input', { type: 'date', id: `filter-${name}`, value: filters[name] || '', onchange: (ev) => set(name, ev.target.value) }));
  const active = Object.values(filters).filter(Boolean).length;
  const wasOpen = root.firstChild ? root.firstChild.open : false;
  root.replaceChildren(h('details', { class: 'filters', open: Boolean(wasOpen || active) },
    h('summary', {}, active ? `Фильтры (${active})` : 'Фильтры'),
    h('div', { class: 'filter-row' }, selects, day('from', 'Выявлено с'), day('to', 'по'),
      active ? h('button', { type: 'button', id: 'filters-reset', onclick: () => onChange({}) }, 'Сбросить') : null)));
}
