// The paired view: one sample under two conditions side by side (same run, checkpoint, environment, variant and epoch:
// the counterfactual designs pair units by construction).
import { api, el, errorBox, link } from './dom.js';
import { conversation, effects, facts } from './transcript.js';

export async function pairPage(main, params) {
  const id = params.get('id');
  if (!id) {
    main.append(errorBox('Which unit? This page needs ?id=UNIT_ID (and &with=OTHER_UNIT_ID).'));
    return;
  }
  const left = await api('unit', new URLSearchParams({ id }));
  const otherId = params.get('with') ?? (left.pairs.find(p => p.condition === 'baseline') ?? left.pairs[0])?.unitId;
  if (!otherId) {
    main.append(errorBox(`Unit ${left.unitId} has no paired unit under another condition in this run.`));
    return;
  }
  if (!left.pairs.some(p => p.unitId === otherId)) {
    main.append(errorBox(`Unit ${otherId} is not paired with ${left.unitId} (another sample).`));
    return;
  }
  const right = await api('unit', new URLSearchParams({ id: otherId }));
  // Baseline on the left when one of the two is the baseline.
  const [a, b] = right.condition === 'baseline' ? [right, left] : [left, right];
  main.append(el('h1', {}, `${a.condition} vs ${b.condition}`),
    el('p', { class: 'muted' }, `${a.checkpoint} · ${a.environment} (${a.variant}) · epoch ${a.epoch} · seed ${a.seed}`),
    el('div', { class: 'pair' }, column(a), column(b)));
}

function column(unit) {
  return el('div', { class: 'column', 'data-condition': unit.condition },
    el('h2', {}, unit.condition, ' · ', link('unit', { id: unit.unitId }, unit.unitId)),
    facts(unit), conversation(unit), ...effects(unit));
}
