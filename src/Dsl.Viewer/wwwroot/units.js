// The unit list: a plain GET form (so every filter is a permalink), the page from the server (keyset paging), the
// number of matches asked for separately (counting a million rows takes longer than a page).
import { api, el, errorBox, link } from './dom.js';


export async function unitsPage(main, params, run) {
  main.append(el('h1', {}, 'Units'), filterForm(params, run.facets));
  const summary = el('p', { id: 'summary', class: 'muted' });
  main.append(summary);
  let page;
  try {
    page = await api('units', params);
  } catch (e) {
    main.append(errorBox(e.message));
    return;
  }
  if (page.partial) {
    main.append(el('p', { class: 'building' }, `Partial results: ${page.index}. Units not indexed yet are not searched.`));
  }
  const rows = page.units.map(u => el('tr', { 'data-unit': u.unitId },
    el('td', {}, link('unit', { id: u.unitId }, u.unitId)),
    el('td', {}, u.checkpoint), el('td', {}, u.environment), el('td', {}, u.variant), el('td', {}, u.condition),
    el('td', {}, String(u.epoch)), el('td', { class: u.status }, u.status),
    el('td', {}, u.fired.join(', ')),
    el('td', {}, [u.missing ? 'missing ' : '', u.indeterminate ? 'indeterminate' : '']),
    el('td', {}, u.labels ? `${u.labels} label(s)` : ''),
    el('td', {}, u.error ? u.error.slice(0, 200) : '')));
  main.append(el('table', { class: 'units' },
    el('thead', {}, el('tr', {}, ['unit', 'checkpoint', 'environment', 'variant', 'condition', 'epoch', 'status', 'fired', 'flags', 'review', 'error'].map(h => el('th', {}, h)))),
    el('tbody', {}, rows)));
  if (page.units.length === 0) main.append(el('p', { class: 'muted' }, 'No unit matches.'));
  const pager = el('nav', { class: 'pager' });
  if (page.previous !== null) pager.append(link('units', with_(params, { before: page.previous, after: null }), '← previous'), ' ');
  if (page.next !== null) pager.append(link('units', with_(params, { after: page.next, before: null }), 'next →'));
  main.append(pager);
  api('count', without(params, ['after', 'before', 'size']))
    .then(c => { summary.textContent = `${c.count.toLocaleString('en')} unit(s) match${c.partial ? ' so far (index building)' : ''}.`; })
    .catch(e => { summary.textContent = e.message; });
}

function with_(params, changes) {
  const result = {};
  for (const key of new Set(params.keys())) result[key] = params.getAll(key);
  for (const [key, value] of Object.entries(changes)) result[key] = value;
  return result;
}

function without(params, keys) {
  const copy = new URLSearchParams(params);
  for (const key of keys) copy.delete(key);
  return copy;
}

function filterForm(params, facets) {
  const select = (name, values, label, current) => el('label', {}, label, ' ',
    el('select', { name }, el('option', { value: '' }, 'any'),
      values.map(v => el('option', { value: v, selected: current === v }, v))));
  const text = (name, label, size = 10) => el('label', {}, label, ' ', el('input', { name, value: params.get(name) ?? '', size }));
  const truth = (name, names, label) => select(name, names.flatMap(n => [`${n}:true`, `${n}:false`]), label, params.get(name));
  const flags = ['failed', 'indeterminate', 'missing'].map(f => el('label', {},
    el('input', { type: 'checkbox', name: 'flag', value: f, checked: params.getAll('flag').includes(f) }), ' ', f));
  return el('form', { method: 'get', action: '/units', class: 'filters', id: 'filters' },
    select('checkpoint', facets.checkpoint, 'checkpoint', params.get('checkpoint')),
    select('environment', facets.environment, 'environment', params.get('environment')),
    text('variant', 'variant'),
    text('param', 'param (name=value)'),
    select('condition', facets.condition, 'condition', params.get('condition')),
    text('epoch', 'epoch', 4),
    select('status', ['done', 'failed'], 'status', params.get('status')),
    truth('outcome', facets.outcome, 'outcome'),
    truth('judge', facets.judge, 'judge verdict'),
    select('review', ['reviewed', 'unreviewed'], 'review', params.get('review')),
    ...flags,
    el('label', {}, 'search ', el('input', { name: 'q', type: 'search', value: params.get('q') ?? '', size: 30, id: 'search' })),
    el('button', { type: 'submit' }, 'Filter'));
}

