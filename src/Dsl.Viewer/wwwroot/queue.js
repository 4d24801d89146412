// The review queue of an outcome: the units whose detector fired, in the seeded order of ReviewQueue.Order.
import { api, el, link } from './dom.js';
import { reviewerName } from './unit.js';

export async function queuePage(main, params, run) {
  const outcome = params.get('outcome') ?? run.facets.outcome[0];
  const seed = params.get('seed') ?? '1';
  const from = Number(params.get('from') ?? '0') || 0;
  main.append(el('h1', {}, 'Review queue'),
    el('form', { method: 'get', action: '/queue', class: 'filters' },
      el('label', {}, 'outcome ', el('select', { name: 'outcome' }, run.facets.outcome.map(o => el('option', { value: o, selected: o === outcome }, o)))),
      el('label', {}, 'seed ', el('input', { name: 'seed', value: seed, size: 6 })),
      el('button', { type: 'submit' }, 'Show')));
  if (!outcome) return;
  const query = new URLSearchParams({ outcome, seed, from: String(from), size: '50' });
  const reviewer = reviewerName();
  if (reviewer) query.set('reviewer', reviewer);
  const queue = await api('queue', query);
  main.append(el('p', {}, `${queue.total} unit(s) where ${outcome} fired; ${queue.reviewed} reviewed${reviewer ? ' by ' + reviewer : ''}. `,
    queue.next ? link('unit', { id: queue.next, queue: outcome, seed }, `Next unreviewed (#${queue.nextPosition})`) : 'Every unit is reviewed.'),
    el('p', { class: 'muted' }, `Reviewing the first N of this queue (seed ${seed}) is an unbiased, reproducible sample of these units.`));
  main.append(el('table', { class: 'queue' }, el('thead', {}, el('tr', {}, ['#', 'unit', 'reviewed'].map(h => el('th', {}, h)))),
    el('tbody', {}, queue.units.map(u => el('tr', {}, el('td', {}, String(u.position)),
      el('td', {}, link('unit', { id: u.unitId, queue: outcome, seed }, u.unitId)), el('td', {}, u.reviewed ? 'yes' : ''))))));
  const pager = el('nav', { class: 'pager' });
  if (from > 0) pager.append(link('queue', { outcome, seed, from: Math.max(0, from - 50) }, '← previous'), ' ');
  if (from + 50 < queue.total) pager.append(link('queue', { outcome, seed, from: from + 50 }, 'next →'));
  main.append(pager);
}
