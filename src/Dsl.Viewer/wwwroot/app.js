// The viewer's entry: reads the URL (every page is a permalink), renders the page into <main>.
import { api, clear, errorBox } from './dom.js';
import { overviewPage } from './overview.js';
import { unitsPage } from './units.js';
import { unitPage } from './unit.js';
import { pairPage } from './pair.js';
import { queuePage } from './queue.js';

const pages = { '/': overviewPage, '/units': unitsPage, '/unit': unitPage, '/pair': pairPage, '/queue': queuePage };

async function start() {
  const main = document.getElementById('main');
  const params = new URLSearchParams(location.search);
  let run = null;
  try {
    run = await api('run');
    document.getElementById('run-name').textContent = `${run.experiment ?? ''} · ${run.directory}${run.simulated ? ' · SIMULATED' : ''}`;
    showIndex(run.index);
  } catch (e) {
    clear(main).append(errorBox(e.message));
    return;
  }
  const page = pages[location.pathname] ?? overviewPage;
  try {
    clear(main);
    await page(main, params, run);
  } catch (e) {
    main.append(errorBox(e.message));
  }
  main.dataset.ready = 'true';
}

function showIndex(index) {
  const node = document.getElementById('index-state');
  node.textContent = index.error ? `search index stopped: ${index.error}` : index.state ?? `search index ready (${index.indexed} units)`;
  node.className = index.ready ? 'ready' : 'building';
  if (!index.ready) {
    setTimeout(async () => { try { showIndex((await api('run')).index); } catch { /* the next page load says it */ } }, 2000);
  }
}

start();
