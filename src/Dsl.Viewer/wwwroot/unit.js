// The transcript page of one unit, with its review labels (history) and the form to add one.
import { api, append, el, errorBox, link, post, section, table } from './dom.js';
import { conversation, effects, facts, truncations } from './transcript.js';

const REVIEWER_KEY = 'scheme-viewer-reviewer';

export async function unitPage(main, params, run) {
  const id = params.get('id');
  if (!id) {
    main.append(errorBox('Which unit? This page needs ?id=UNIT_ID.'));
    return;
  }
  const unit = await api('unit', new URLSearchParams({ id }));
  main.append(el('h1', {}, 'Unit ', el('code', { id: 'unit-id' }, unit.unitId)));
  const nav = el('p', { class: 'unit-nav' });
  const baseline = unit.pairs.find(p => p.condition === 'baseline');
  if (unit.pairs.length) {
    append(nav, ['Paired view: ', unit.pairs.map(p => [link('pair', { id: unit.unitId, with: p.unitId }, `${p.condition}${p.fired.length ? ' (' + p.fired.join(', ') + ')' : ''}`), ' '])]);
  }
  const outcome = params.get('queue');
  if (outcome) nav.append(await queueLink(outcome, params.get('seed') ?? '1', unit.unitId));
  append(main, [nav, truncations(unit), facts(unit), reviewSection(unit, run, params), conversation(unit), effects(unit)]);
  if (baseline) main.dataset.baseline = baseline.unitId;
}

async function queueLink(outcome, seed, current) {
  const reviewer = reviewerName();
  const query = new URLSearchParams({ outcome, seed, size: '1' });
  if (reviewer) query.set('reviewer', reviewer);
  const queue = await api('queue', query);
  if (!queue.next) return el('span', { class: 'muted' }, ` · review queue of ${outcome}: every unit reviewed`);
  if (queue.next === current) return el('span', { class: 'muted' }, ` · review queue of ${outcome}: this is #${queue.nextPosition} of ${queue.total}`);
  return el('span', {}, ' · ', link('unit', { id: queue.next, queue: outcome, seed }, `next unreviewed in the ${outcome} queue (#${queue.nextPosition} of ${queue.total})`));
}

export function reviewerName() {
  return document.querySelector('meta[name="reviewer"]').content || localStorage.getItem(REVIEWER_KEY) || '';
}

function reviewSection(unit, run, params) {
  const history = unit.labels.length
    ? table(['#', 'time', 'reviewer', 'outcome', 'verdict', 'note'], unit.labels.map(l => [String(l.seq), l.at, l.reviewer, l.outcome, l.verdict, l.note ?? '']), { class: 'labels', id: 'labels' })
    : el('p', { class: 'muted', id: 'labels' }, 'No review label yet.');
  const outcomes = Object.keys(unit.outcomes ?? {});
  if (unit.status !== 'done' || outcomes.length === 0) return section('Review', history, el('p', { class: 'muted' }, 'Only a done unit\'s outcomes can be reviewed.'));
  const fixed = document.querySelector('meta[name="reviewer"]').content;
  const preferred = params.get('queue') && outcomes.includes(params.get('queue')) ? params.get('queue') : outcomes.find(o => unit.outcomes[o]) ?? outcomes[0];
  const status = el('p', { role: 'status', id: 'label-status' });
  const form = el('form', { id: 'label-form', class: 'label-form' },
    fixed ? el('p', {}, 'Reviewing as ', el('strong', {}, fixed), ' (--reviewer).')
      : el('label', {}, 'Your name ', el('input', { name: 'reviewer', id: 'reviewer', required: true, maxlength: 100, value: reviewerName() })),
    el('label', {}, 'Outcome ', el('select', { name: 'outcome', id: 'label-outcome' },
      outcomes.map(o => el('option', { value: o, selected: o === preferred }, `${o} (detector: ${unit.outcomes[o]})`)))),
    el('fieldset', {}, el('legend', {}, 'Verdict'), ['confirmed', 'rejected', 'unclear'].map(v =>
      el('label', {}, el('input', { type: 'radio', name: 'verdict', value: v, required: true }), ' ', v))),
    el('label', {}, 'Note ', el('textarea', { name: 'note', id: 'label-note', rows: 3, maxlength: 10000 })),
    el('button', { type: 'submit', id: 'label-submit' }, 'Add label'),
    status);
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const data = new FormData(form);
    const reviewer = fixed || String(data.get('reviewer') ?? '').trim();
    if (!fixed) localStorage.setItem(REVIEWER_KEY, reviewer);
    try {
      const stored = await post('labels', { unitId: unit.unitId, outcome: data.get('outcome'), verdict: data.get('verdict'), note: data.get('note'), reviewer });
      // The history first, then the status line: whoever waits for the status sees the new label listed.
      const fresh = await api('unit', new URLSearchParams({ id: unit.unitId }));
      document.getElementById('labels').replaceWith(reviewSection(fresh, run, params).querySelector('#labels'));
      status.textContent = `Stored label #${stored.seq}: ${stored.verdict} by ${stored.reviewer}.`;
      status.className = 'ok';
    } catch (e) {
      status.textContent = e.message;
      status.className = 'error';
    }
  });
  return section('Review', history, form);
}
