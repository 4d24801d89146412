// One unit's transcript, rendered from the stored JSON (EpisodeJson) as text nodes only. Shared by the transcript page
// and the paired view.
import { el, pre, section, table } from './dom.js';

/** The conversation: prompts as sent, each turn's reasoning (the edited turn marked), answers, tool calls and results. */
export function conversation(unit) {
  const t = unit.transcript;
  if (!t) return section('Conversation', el('p', { class: 'muted' }, unit.transcriptError ?? 'No transcript was stored for this unit.'));
  const edit = t.reasoningEdit;
  const results = new Map();
  for (const m of t.messages ?? []) if (m.role === 'tool' && m.toolCallId) results.set(m.toolCallId, m.content);
  let assistantTurn = 0;
  const blocks = [];
  for (const m of t.messages ?? []) {
    if (m.role === 'tool') continue; // shown under the call it answers
    if (m.role !== 'assistant') {
      blocks.push(el('div', { class: `message ${m.role}` }, el('h3', {}, m.role === 'system' ? 'System prompt (as sent)' : 'User (as sent)'), pre(m.content)));
      continue;
    }
    assistantTurn++;
    const edited = edit?.applied && edit.turn === assistantTurn && edit.edit;
    const turn = el('div', { class: `message assistant${edited ? ' edited-turn' : ''}`, 'data-turn': assistantTurn },
      el('h3', {}, `Assistant, turn ${assistantTurn}`, edited ? el('span', { class: 'badge edited' }, ` reasoning edited by ${edit.manipulation} (${edit.edit.kind}, then ${edit.edit.then})`) : ''));
    if (edited) turn.append(editedReasoning(edit));
    else if (m.reasoning) turn.append(el('div', { class: 'reasoning' }, el('h4', {}, 'Reasoning'), pre(m.reasoning)));
    if (m.content) turn.append(el('div', { class: 'answer' }, el('h4', {}, 'Answer'), pre(m.content)));
    for (const call of m.toolCalls ?? []) {
      turn.append(el('div', { class: 'tool-call' }, el('h4', {}, `Tool call ${call.name}`), pre(pretty(call.argumentsJson)),
        results.has(call.id) ? el('div', { class: 'tool-result' }, el('h4', {}, 'Result'), pre(results.get(call.id))) : null));
    }
    blocks.push(turn);
  }
  return section('Conversation', el('p', { class: 'muted' }, `Model ${t.model ?? '?'} · ended: ${t.end ?? '?'} · ${t.turns ?? '?'} turn(s)`), ...blocks);
}

/**
 * The edited turn's reasoning: the original sentences with the removed ones struck out (red) and, under resample, those
 * after the cut marked as resampled away; an injected text highlighted (green); then what the model wrote from the
 * edited prefix. The stored reasoning of the turn is the prefix followed by that continuation.
 */
function editedReasoning(edit) {
  const plan = edit.edit;
  const original = edit.originalReasoning ?? '';
  const box = el('div', { class: 'reasoning edited', id: 'edited-reasoning' }, el('h4', {}, 'Reasoning (edited)'));
  const body = el('pre', { class: 'text' });
  if (plan.kind === 'inject') {
    const at = plan.injectedAt ?? plan.cutOffset ?? 0;
    body.append(original.slice(0, at), ' ', el('ins', { class: 'injected', title: 'injected' }, plan.injected ?? ''));
    const rest = original.slice(at);
    if (rest) body.append(plan.then === 'continue' ? rest : el('del', { class: 'dropped', title: 'resampled away' }, rest));
  } else {
    for (const s of plan.sentences ?? []) {
      const cls = s.removed === true ? 'removed' : (s.removed === null || s.removed === undefined) && plan.then === 'resample' && s.index > plan.cutSentence ? 'dropped' : 'kept';
      const verdicts = s.verdicts ? Object.entries(s.verdicts).map(([k, v]) => `${k}: ${v}`).join(', ') : '';
      const node = cls === 'kept' ? el('span', { class: 'kept', title: verdicts }, s.text)
        : el('del', { class: cls, title: cls === 'removed' ? `removed${verdicts ? ' (' + verdicts + ')' : ''}` : 'not judged: resampled away' }, s.text);
      body.append(node, ' ');
    }
  }
  box.append(body, el('h4', {}, 'The model continued'), el('pre', { class: 'text' }, el('ins', { class: 'continued' }, edit.continuationReasoning ?? '')));
  box.append(el('p', { class: 'legend' }, el('del', { class: 'removed' }, 'removed'), ' ', el('del', { class: 'dropped' }, 'resampled away'), ' ',
    el('ins', { class: 'injected' }, 'injected'), ' ', el('ins', { class: 'continued' }, 'continued by the model')));
  return box;
}

function pretty(json) {
  try { return JSON.stringify(JSON.parse(json), null, 2); } catch { return json ?? ''; }
}

/** Sandbox commands, the workspace diff, follow-ups, judges, limits, emails and the submission. */
export function effects(unit) {
  const t = unit.transcript ?? {};
  const parts = [];
  if (t.commands?.length) {
    parts.push(section('Sandbox commands', table(['turn', 'tool', 'command', 'exit', 'seconds', 'output'],
      t.commands.map(c => [String(c.turn), c.tool, pre(c.command), c.exitCode === null || c.exitCode === undefined ? (c.stopped ?? '-') : String(c.exitCode),
        String(c.seconds ?? ''), pre(c.output)]), { class: 'commands' })));
  }
  parts.push(section('Workspace (final against initial)', unit.workspace.length
    ? unit.workspace.map(f => el('div', { class: 'file' }, el('h3', {}, `${f.path} (${f.kind})`), diff(f.diff)))
    : el('p', { class: 'muted' }, 'The workspace did not change.')));
  if (t.followups?.length) {
    parts.push(section('Follow-ups', t.followups.map(f => el('div', { class: 'followup' },
      el('h4', {}, `Question (outcome ${f.outcome}: ${f.value ?? 'not decided'})`), pre(f.question), el('h4', {}, 'Answer'), pre(f.answer)))));
  }
  if (t.verdicts?.length) {
    parts.push(section('Judges', t.verdicts.map(v => {
      const judge = unit.judges?.[v.id];
      return el('div', { class: 'judge' },
        el('h4', {}, `${v.id} on ${v.checkpoint} (${v.model}${v.answeredBy ? ', answered by ' + v.answeredBy : ''}): ${v.verdict ? 'yes' : 'no'}`,
          ` · ${v.attempts} attempt(s) · ${v.usage?.input ?? '?'} in / ${v.usage?.output ?? '?'} out tokens`),
        judge ? el('details', {}, el('summary', {}, 'Prompt (system and question as declared)'), pre(judge.system), pre(judge.question ?? ''), judge.rubric ? pre(judge.rubric) : null) : null,
        el('h4', {}, 'Answer'), pre(v.answer));
    })));
  }
  if (t.limits?.length) parts.push(section('Limits', table(['limit', 'turn', 'detail'], t.limits.map(l => [l.limit, String(l.turn), l.detail]))));
  if (t.emails?.length) parts.push(section('Emails sent', t.emails.map(e => el('div', {}, el('h4', {}, `To ${e.to}: ${e.subject}`), pre(e.body)))));
  if (t.submission) parts.push(section('Submission', table(['field', 'value'], Object.entries(t.submission).map(([k, v]) => [k, pre(v)]))));
  return parts;
}

function diff(text) {
  const node = el('pre', { class: 'text diff' });
  for (const line of String(text ?? '').split('\n')) {
    const cls = line.startsWith('@@') ? 'hunk' : line.startsWith('+') ? 'add' : line.startsWith('-') ? 'del' : '';
    node.append(el('span', { class: cls }, line), '\n');
  }
  return node;
}

/** Outcomes, metrics, missing and indeterminate reasons, tokens, cost, latency. */
export function facts(unit) {
  const outcomes = Object.entries(unit.outcomes ?? {});
  const rows = [
    ['coordinates', `${unit.checkpoint} · ${unit.environment} (${unit.variant}) · ${unit.condition} · epoch ${unit.epoch} · seed ${unit.seed}`],
    ['status', unit.status + (unit.error ? ': ' + unit.error : '')],
    ['outcomes', outcomes.length ? outcomes.map(([k, v]) => el('span', { class: `outcome ${v}` }, `${k}: ${v}`)) : 'none'],
    ['metrics', Object.entries(unit.metrics ?? {}).map(([k, v]) => `${k} = ${v}`).join(', ') || 'none'],
    ['missing', Object.entries(unit.missing ?? {}).map(([k, v]) => `${k}: ${v}`).join('; ') || 'none'],
    ['indeterminate', Object.entries(unit.indeterminate ?? {}).map(([k, v]) => `${k}: ${v}`).join('; ') || 'none'],
    ['tokens', `${unit.tokensIn} in / ${unit.tokensOut} out (judges included)`],
    ['cost', unit.costUsd === null || unit.costUsd === undefined ? 'unknown' : `$${unit.costUsd}`],
    ['latency', `${unit.latencyMs} ms`],
    ['finished', unit.finishedAt ?? ''],
  ];
  return el('table', { class: 'facts' }, el('tbody', {}, rows.map(([k, v]) => el('tr', {}, el('th', {}, k), el('td', {}, v)))));
}

export function truncations(unit) {
  return unit.truncated?.length
    ? el('div', { class: 'truncated', role: 'note' }, el('strong', {}, 'Truncated: '),
      unit.truncated.map(t => `${t.path} is ${t.length.toLocaleString('en')} characters; the first ${t.shown.toLocaleString('en')} are shown. `))
    : null;
}
