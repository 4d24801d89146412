// DOM helpers. Every string shown is set as text (a text node or textContent), never parsed as HTML: a model that
// answers with markup or script shows that markup as characters. Links are only ever built from this viewer's own
// routes with URLSearchParams, so a model-written value can reach a query string but never a scheme (javascript:).

const BIDI = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g;

/** Text with bidirectional controls made visible (U+202E would otherwise reorder what the reader sees). */
export function visible(text) {
  return String(text ?? '').replace(BIDI, c => `⟦U+${c.codePointAt(0).toString(16).toUpperCase().padStart(4, '0')}⟧`);
}

/** el('td', {class: 'x'}, 'text', child...): attributes are set with setAttribute, children appended as text or nodes. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'href') node.setAttribute('href', route(value));
    else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

export function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(visible(child)));
  }
  return node;
}

/** Only this viewer's own paths: anything else (another scheme, another host) becomes '#'. */
export function route(href) {
  const text = String(href);
  return /^\/(units|unit|pair|queue)?(\?[^#]*)?$/.test(text) ? text : '#';
}

/** A link to one of this viewer's pages with the given query values (encoded). */
export function link(page, params, ...children) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (v !== null && v !== undefined && v !== '') query.append(key, String(v));
    }
  }
  const text = query.toString();
  return el('a', { href: `/${page}${text ? '?' + text : ''}` }, ...children);
}

/** A block of model or environment text: preformatted, wrapped, scrolled when long. */
export function pre(text, cls = '') {
  return el('pre', { class: `text ${cls}`.trim() }, text ?? '');
}

export function table(headers, rows, attrs = {}) {
  return el('table', attrs,
    el('thead', {}, el('tr', {}, headers.map(h => el('th', {}, h)))),
    el('tbody', {}, rows.map(r => el('tr', {}, r.map(c => el('td', {}, c))))));
}

export function section(title, ...children) {
  return el('section', {}, el('h2', {}, title), ...children);
}

export function clear(node) {
  node.replaceChildren();
  return node;
}

export async function api(path, params) {
  const query = params ? '?' + params.toString() : '';
  const response = await fetch(`/api/${path}${query}`, { headers: { Accept: 'application/json' } });
  const body = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
  if (!response.ok) throw new Error(body.error ?? `HTTP ${response.status}`);
  return body;
}

export async function post(path, body) {
  const token = document.querySelector('meta[name="csrf-token"]').content;
  const response = await fetch(`/api/${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Scheme-Csrf': token },
    body: JSON.stringify(body),
  });
  const result = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
  if (!response.ok) throw new Error(result.error ?? `HTTP ${response.status}`);
  return result;
}

export function errorBox(message) {
  return el('p', { class: 'error', role: 'alert' }, message);
}
