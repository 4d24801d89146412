// The run overview: the report's tables (same analysis, same text), each metric row's cells linking to its units.
import { api, el, errorBox, section } from './dom.js';

export async function overviewPage(main, params, run) {
  main.append(el('h1', {}, run.experiment ?? 'Run'));
  const holder = el('div', {}, el('p', { class: 'muted' }, 'Running the analysis (it reads every unit once)…'));
  main.append(holder);
  const data = await api('overview');
  holder.replaceChildren();
  if (data.error) {
    holder.append(errorBox(data.error));
    return;
  }
  if (data.label) holder.append(el('p', { class: 'simulated' }, 'SIMULATED DATA: drawn from the simulate block, not produced by a model.'));
  holder.append(el('ul', { class: 'overview' }, data.overview.map(line => el('li', {}, line))));
  holder.append(section('Hypotheses', plainTable(data.hypotheses), notes(data.hypotheses.notes)));
  for (const metric of data.metrics) {
    const rows = metric.rows.map((row, i) => el('tr', {}, row.map((cell, c) => {
      // Every cell opens the units of its row; k (the count of fired units) opens those units only.
      const target = metric.headers[c] === 'k' && metric.firedLinks[i] ? metric.firedLinks[i] : metric.links[i];
      return el('td', {}, el('a', { href: '/' + target, class: 'cell' }, cell));
    })));
    holder.append(section(metric.title,
      el('table', { class: 'metric' }, el('thead', {}, el('tr', {}, metric.headers.map(h => el('th', {}, h)))), el('tbody', {}, rows)),
      notes(metric.notes)));
  }
}

function plainTable(table) {
  return el('table', {}, el('thead', {}, el('tr', {}, table.headers.map(h => el('th', {}, h)))),
    el('tbody', {}, table.rows.map(r => el('tr', {}, r.map(c => el('td', {}, c))))));
}

function notes(list) {
  return list?.length ? el('ul', { class: 'notes' }, list.map(n => el('li', {}, n))) : null;
}

