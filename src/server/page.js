// newsidx page script: the page's address (q, person, source, since, until,
// sort, offset, article) in, the API's JSON rendered as DOM out.
//
// Rules this file keeps:
// - Every string from the archive reaches the DOM through textContent or a
//   text node, never through an HTML-parsing sink: an article containing
//   "<script>" must show those characters, not run them.
// - Highlights arrive as UTF-8 *byte* offsets; JS strings are UTF-16, so text
//   is sliced on its encoded bytes (TextEncoder/TextDecoder), never with
//   String.slice on byte numbers.
// - The address is the state: every change goes through go(), which pushes
//   a history entry, so a search can be bookmarked, shared and reloaded.
// It does not build query syntax: filters travel as separate parameters.
'use strict';

const PAGE_SIZE = 10;
const MAX_BUCKETS = 120; // more months than this and the timeline counts years
const $ = (id) => document.getElementById(id);
const encoder = new TextEncoder();
const decoder = new TextDecoder();

let state = readState();
let lastSearch = null; // the API query string of the results on screen
let searchSeq = 0;
let searchAbort = null;
let articleSeq = 0;
let articleFromList = false; // whether Back can simply go back in history

// ---- address <-> state -------------------------------------------------

function readState() {
  const p = new URLSearchParams(location.search);
  const offset = parseInt(p.get('offset') || '0', 10);
  return {
    q: p.get('q') || '',
    person: p.getAll('person').filter(Boolean),
    source: p.getAll('source').filter(Boolean),
    since: p.get('since') || '',
    until: p.get('until') || '',
    sort: ['relevance', 'newest', 'oldest'].includes(p.get('sort')) ? p.get('sort') : 'relevance',
    offset: Number.isFinite(offset) && offset > 0 ? offset : 0,
    article: p.get('article') || '',
  };
}

function params(s, forApi) {
  const p = new URLSearchParams();
  if (s.q) p.set('q', s.q);
  for (const x of s.person) p.append('person', x);
  for (const x of s.source) p.append('source', x);
  if (s.since) p.set('since', s.since);
  if (s.until) p.set('until', s.until);
  if (s.sort !== 'relevance') p.set('sort', s.sort);
  if (s.offset) p.set('offset', String(s.offset));
  if (forApi) {
    p.set('limit', String(PAGE_SIZE));
  } else if (s.article) {
    p.set('article', s.article);
  }
  return p;
}

function pageUrl(s) {
  const qs = params(s, false).toString();
  return qs ? '/?' + qs : '/';
}

function go(next) {
  state = next;
  history.pushState(null, '', pageUrl(state));
  render();
}

// Any change of query or filters starts again at the first page, results view.
function refine(changes) {
  go({ ...state, ...changes, offset: 0, article: '' });
}

// ---- DOM helpers (text only) --------------------------------------------

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) {
    if (c != null) e.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  return e;
}

// Text with [start, end) UTF-8 byte ranges wrapped in <mark>. Ranges that are
// out of order, overlapping or out of bounds are skipped, not trusted.
function highlighted(text, ranges) {
  const frag = document.createDocumentFragment();
  const bytes = encoder.encode(String(text || ''));
  let at = 0;
  for (const r of Array.isArray(ranges) ? ranges : []) {
    if (!Array.isArray(r) || r.length !== 2) continue;
    const [a, b] = r;
    if (!Number.isInteger(a) || !Number.isInteger(b) || a < at || b <= a || b > bytes.length) continue;
    if (a > at) frag.append(document.createTextNode(decoder.decode(bytes.subarray(at, a))));
    frag.append(el('mark', { text: decoder.decode(bytes.subarray(a, b)) }));
    at = b;
  }
  if (at < bytes.length) frag.append(document.createTextNode(decoder.decode(bytes.subarray(at))));
  return frag;
}

function plural(n, one, many) {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}

function strings(v) {
  return Array.isArray(v) ? v.filter((x) => typeof x === 'string') : [];
}

// ---- rendering ------------------------------------------------------------

function render() {
  $('q').value = state.q;
  $('sort').value = state.sort;
  renderFilters();
  const api = params(state, true).toString();
  if (api !== lastSearch) runSearch(api);
  if (state.article) openArticle(state.article);
  else closeArticle();
}

function renderFilters() {
  const box = $('filters');
  box.replaceChildren();
  const chip = (label, changes) =>
    box.append(el('button', {
      type: 'button', class: 'chip', 'aria-label': `Remove filter ${label}`,
      onclick: () => refine(changes),
    }, label, el('span', { 'aria-hidden': 'true', text: ' ×' })));
  for (const p of state.person) chip(`person: ${p}`, { person: state.person.filter((x) => x !== p) });
  for (const s of state.source) chip(`source: ${s}`, { source: state.source.filter((x) => x !== s) });
  if (state.since && state.since === state.until) {
    chip(`period: ${state.since}`, { since: '', until: '' });
  } else {
    if (state.since) chip(`from: ${state.since}`, { since: '' });
    if (state.until) chip(`to: ${state.until}`, { until: '' });
  }
  if (box.children.length > 1) {
    box.append(el('button', {
      type: 'button', class: 'chip clear',
      onclick: () => refine({ person: [], source: [], since: '', until: '' }),
    }, 'Clear all filters'));
  }
  box.hidden = box.children.length === 0;
}

async function runSearch(api) {
  const mine = ++searchSeq;
  if (searchAbort) searchAbort.abort();
  searchAbort = new AbortController();
  lastSearch = api;
  document.body.classList.add('busy');
  $('status').textContent = 'Searching…';
  try {
    const resp = await fetch('/api/search?' + api, {
      signal: searchAbort.signal, headers: { Accept: 'application/json' },
    });
    const data = await resp.json().catch(() => null);
    if (mine !== searchSeq) return;
    if (!resp.ok || !data || typeof data !== 'object') {
      const why = data && typeof data.error === 'string' ? data.error : `the server answered ${resp.status}`;
      showError(`Search failed: ${why}`);
      lastSearch = null; // let the same search be retried
      return;
    }
    showResults(data);
  } catch (e) {
    if (e.name === 'AbortError' || mine !== searchSeq) return;
    showError(`Could not reach the newsidx server (${e.message}). Is it still running?`);
    lastSearch = null;
  } finally {
    if (mine === searchSeq) document.body.classList.remove('busy');
  }
}

function clearResults() {
  $('hits').replaceChildren();
  $('timeline').hidden = true;
  $('pager').hidden = true;
  for (const id of ['facet-people', 'facet-sources', 'facet-months']) $(id).replaceChildren();
}

function showError(text) {
  clearResults();
  $('status').textContent = 'Error';
  const m = $('message');
  m.className = 'error';
  m.replaceChildren(el('p', { text }));
  m.hidden = false;
}

function showResults(data) {
  clearResults();
  const m = $('message');
  m.hidden = true;
  m.replaceChildren();
  const hits = Array.isArray(data.hits) ? data.hits : [];
  const total = Number.isInteger(data.total) ? data.total : hits.length;
  const notices = strings(data.notices);
  const filtered = state.person.length || state.source.length || state.since || state.until;

  if (total === 0 || hits.length === 0) {
    m.className = 'empty';
    if (total === 0) {
      m.append(el('p', { class: 'big' }, state.q
        ? `No articles match “${state.q}”${filtered ? ' with these filters' : ''}.`
        : 'No articles match these filters.'));
    } else {
      m.append(el('p', { class: 'big' }, `There are only ${plural(total, 'match', 'matches')}: this page is past the end.`),
        el('button', { type: 'button', onclick: () => go({ ...state, offset: 0 }) }, 'Go to the first page'));
    }
    const suggestions = (Array.isArray(data.suggestions) ? data.suggestions : [])
      .map((s) => (typeof s === 'string' ? s : s && (s.query || s.text || s.term)))
      .filter((s) => typeof s === 'string' && s);
    if (suggestions.length) {
      const p = el('p', {}, 'Did you mean ');
      suggestions.slice(0, 5).forEach((s, i) => {
        if (i) p.append(', ');
        p.append(el('button', { type: 'button', class: 'link', onclick: () => refine({ q: s }) }, s));
      });
      p.append('?');
      m.append(p);
    }
    if (total === 0) {
      const tips = el('ul', { class: 'tips' });
      if (filtered) tips.append(el('li', { text: 'Remove a filter above.' }));
      tips.append(el('li', { text: 'Check the spelling, or use fewer or more general words.' }));
      if (state.q.includes('"')) tips.append(el('li', { text: 'A quoted phrase must appear exactly; try it without quotes.' }));
      m.append(tips);
    }
    for (const n of notices) m.append(el('p', { class: 'notice', text: `Note: ${n}` }));
    m.hidden = false;
    $('status').textContent = total === 0 ? 'No matches' : `${plural(total, 'match', 'matches')}`;
    if (total > 0) renderFacets(data.facets);
    return;
  }

  if (notices.length) {
    m.className = 'notices';
    for (const n of notices) m.append(el('p', { class: 'notice', text: `Note: ${n}` }));
    m.hidden = false;
  }
  const first = hits[0].rank || state.offset + 1;
  const last = first + hits.length - 1;
  $('status').textContent = `${first.toLocaleString('en')}–${last.toLocaleString('en')} of ${plural(total, 'article', 'articles')}`
    + (state.q ? ` for ${state.q.includes('"') ? state.q : `“${state.q}”`}` : '');

  const list = $('hits');
  list.start = first;
  for (const hit of hits) list.append(renderHit(hit));
  renderFacets(data.facets);

  $('pager').hidden = total <= PAGE_SIZE;
  $('prev').disabled = state.offset === 0;
  $('next').disabled = state.offset + PAGE_SIZE >= total;
  $('page-info').textContent = `Page ${Math.floor(state.offset / PAGE_SIZE) + 1} of ${Math.ceil(total / PAGE_SIZE)}`;
}

function renderHit(hit) {
  const key = typeof hit.key === 'string' ? hit.key : '';
  const link = el('a', { href: pageUrl({ ...state, article: key }), 'data-article': key },
    hit.title || '(untitled)');
  const meta = el('p', { class: 'meta' });
  const bits = [];
  if (hit.source) bits.push(el('span', { class: 'source', text: hit.source }));
  if (hit.published) bits.push(el('time', { datetime: hit.published, text: hit.published }));
  bits.forEach((b, i) => { if (i) meta.append(' · '); meta.append(b); });
  const li = el('li', { class: 'hit' }, el('h3', {}, link), meta);
  const people = strings(hit.people);
  if (people.length) {
    const p = el('p', { class: 'people' }, 'People: ');
    people.slice(0, 8).forEach((name, i) => {
      if (i) p.append(', ');
      p.append(el('button', {
        type: 'button', class: 'link', title: `Only articles naming ${name}`,
        onclick: () => togglePerson(name),
      }, name));
    });
    if (people.length > 8) p.append(` and ${people.length - 8} more`);
    li.append(p);
  }
  for (const s of Array.isArray(hit.snippets) ? hit.snippets : []) {
    li.append(el('p', { class: 'snippet' }, highlighted(s.text, s.highlights)));
  }
  const dups = strings(hit.duplicates);
  if (dups.length) li.append(el('p', { class: 'dups', text: `Also stored as ${plural(dups.length, 'other copy', 'other copies')}.` }));
  return li;
}

function togglePerson(name) {
  const has = state.person.includes(name);
  refine({ person: has ? state.person.filter((x) => x !== name) : [...state.person, name] });
}

function toggleSource(name) {
  const has = state.source.includes(name);
  refine({ source: has ? state.source.filter((x) => x !== name) : [...state.source, name] });
}

function topCounts(obj, n) {
  return Object.entries(obj && typeof obj === 'object' ? obj : {})
    .filter(([, v]) => Number.isInteger(v))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, n);
}

function renderFacets(facets) {
  const f = facets && typeof facets === 'object' ? facets : {};
  const list = (id, entries, active, onpick) => {
    const ul = $(id);
    for (const [name, count] of entries) {
      const on = active(name);
      ul.append(el('li', {}, el('button', {
        type: 'button', class: 'facet', 'aria-pressed': String(on), onclick: () => onpick(name),
      }, el('span', { class: 'name', text: name }), el('span', { class: 'count', text: count.toLocaleString('en') }))));
    }
    if (!entries.length) ul.append(el('li', { class: 'none', text: 'none' }));
  };
  list('facet-people', topCounts(f.people, 15), (n) => state.person.includes(n), togglePerson);
  list('facet-sources', topCounts(f.sources, 15), (n) => state.source.includes(n), toggleSource);
  const months = topCounts(f.months, 12).sort((a, b) => (a[0] < b[0] ? 1 : -1));
  list('facet-months', months, (n) => state.since === n && state.until === n, (n) =>
    (state.since === n && state.until === n ? refine({ since: '', until: '' }) : refine({ since: n, until: n })));
  renderTimeline(f.months);
}

// One bar per month from the first to the last matching month (empty months
// included, so the gaps show), or per year when that would be too many bars.
function renderTimeline(months) {
  const fig = $('timeline');
  const bars = $('bars');
  const axis = $('axis');
  bars.replaceChildren();
  axis.replaceChildren();
  const counts = months && typeof months === 'object' ? months : {};
  const keys = Object.keys(counts).filter((k) => /^\d{4}-\d{2}$/.test(k) && Number.isInteger(counts[k])).sort();
  if (!keys.length) { fig.hidden = true; return; }
  const [y0, m0] = keys[0].split('-').map(Number);
  const [y1, m1] = keys[keys.length - 1].split('-').map(Number);
  const span = (y1 - y0) * 12 + (m1 - m0) + 1;
  const buckets = [];
  if (span <= MAX_BUCKETS) {
    for (let i = 0; i < span; i++) {
      const y = y0 + Math.floor((m0 - 1 + i) / 12);
      const m = ((m0 - 1 + i) % 12) + 1;
      const k = `${y}-${String(m).padStart(2, '0')}`;
      buckets.push({ label: k, count: counts[k] || 0 });
    }
  } else {
    for (let y = y0; y <= y1; y++) {
      let n = 0;
      for (const k of keys) if (k.startsWith(`${y}-`)) n += counts[k];
      buckets.push({ label: String(y), count: n });
    }
  }
  const max = Math.max(1, ...buckets.map((b) => b.count));
  const active = state.since && state.since === state.until ? state.since : '';
  let focusable = null;
  for (const b of buckets) {
    const bar = el('button', {
      type: 'button', class: 'bar', tabindex: '-1',
      'aria-label': `${b.label}: ${plural(b.count, 'article', 'articles')}`,
      title: `${b.label}: ${plural(b.count, 'article', 'articles')}`,
      'data-period': b.label,
      'aria-pressed': String(b.label === active),
      onclick: () => (b.label === active ? refine({ since: '', until: '' }) : refine({ since: b.label, until: b.label })),
    }, el('span', { class: 'fill' }));
    if (b.count === 0) bar.disabled = true;
    // CSSOM style is allowed by the CSP (unlike style="" attributes).
    bar.firstChild.style.height = `${Math.max(b.count ? 4 : 0, Math.round((b.count / max) * 100))}%`;
    bars.append(bar);
    if (b.count && (!focusable || b.label === active)) focusable = bar;
  }
  // One Tab stop for the whole chart; arrow keys move between bars.
  if (focusable) focusable.tabIndex = 0;
  const first = buckets[0].label;
  const last = buckets[buckets.length - 1].label;
  axis.append(el('span', { text: first }));
  if (last !== first) axis.append(el('span', { text: last }));
  fig.hidden = false;
}

$('bars').addEventListener('keydown', (ev) => {
  const bars = [...$('bars').querySelectorAll('.bar:not([disabled])')];
  const i = bars.indexOf(document.activeElement);
  if (i < 0) return;
  let j = i;
  if (ev.key === 'ArrowRight' || ev.key === 'ArrowDown') j = Math.min(bars.length - 1, i + 1);
  else if (ev.key === 'ArrowLeft' || ev.key === 'ArrowUp') j = Math.max(0, i - 1);
  else if (ev.key === 'Home') j = 0;
  else if (ev.key === 'End') j = bars.length - 1;
  else return;
  ev.preventDefault();
  bars[i].tabIndex = -1;
  bars[j].tabIndex = 0;
  bars[j].focus();
});

// ---- article view ----------------------------------------------------------

async function openArticle(key) {
  const mine = ++articleSeq;
  const view = $('article');
  document.body.classList.add('reading');
  view.hidden = false;
  $('article-title').textContent = 'Loading…';
  $('article-meta').replaceChildren();
  $('article-body').replaceChildren();
  const qs = state.q ? '?' + new URLSearchParams({ q: state.q }) : '';
  let resp, data;
  try {
    resp = await fetch('/api/articles/' + encodeURIComponent(key) + qs, { headers: { Accept: 'application/json' } });
    data = await resp.json().catch(() => null);
  } catch (e) {
    if (mine === articleSeq) articleError(`Could not reach the newsidx server (${e.message}).`);
    return;
  }
  if (mine !== articleSeq) return;
  if (!resp.ok || !data || typeof data !== 'object') {
    articleError(resp.status === 404
      ? 'This article is not in the index (it may have been removed since).'
      : `Could not load the article: ${data && typeof data.error === 'string' ? data.error : resp.status}`);
    return;
  }
  $('article-title').textContent = data.title || '(untitled)';
  const meta = $('article-meta');
  const line = (label, value) => {
    if (!value) return;
    meta.append(el('span', { class: 'field' }, el('span', { class: 'label', text: `${label}: ` }), value));
  };
  line('Source', data.source || '');
  line('Published', data.published || '');
  line('Authors', strings(data.authors).join(', '));
  line('People', strings(data.people).join(', '));
  // Only web addresses become links: a javascript: URL in a stored article
  // must never be clickable.
  if (typeof data.url === 'string' && /^https?:\/\//i.test(data.url)) {
    line('URL', el('a', { href: data.url, rel: 'noopener noreferrer nofollow', target: '_blank', text: data.url }));
  } else if (data.url) {
    line('URL', String(data.url));
  }
  line('File', data.key || '');
  $('article-body').append(highlighted(data.body, data.highlights));
  view.focus();
  const mark = $('article-body').querySelector('mark');
  if (mark) mark.scrollIntoView({ block: 'center' });
  else window.scrollTo(0, 0);
}

function articleError(text) {
  $('article-title').textContent = 'Article unavailable';
  $('article-body').replaceChildren(el('p', { class: 'error', role: 'alert', text }));
}

function closeArticle() {
  articleSeq++;
  if ($('article').hidden) return;
  $('article').hidden = true;
  document.body.classList.remove('reading');
  $('results').focus({ preventScroll: true });
}

function backToResults() {
  if (articleFromList) {
    articleFromList = false;
    history.back();
  } else {
    go({ ...state, article: '' });
  }
}

// ---- events -------------------------------------------------------------------

$('search').addEventListener('submit', (ev) => {
  ev.preventDefault();
  refine({ q: $('q').value.trim(), sort: $('sort').value });
});
$('sort').addEventListener('change', () => refine({ q: $('q').value.trim(), sort: $('sort').value }));
$('prev').addEventListener('click', () => go({ ...state, offset: Math.max(0, state.offset - PAGE_SIZE), article: '' }));
$('next').addEventListener('click', () => go({ ...state, offset: state.offset + PAGE_SIZE, article: '' }));
$('back').addEventListener('click', backToResults);
$('home').addEventListener('click', (ev) => {
  if (ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
  ev.preventDefault();
  go({ q: '', person: [], source: [], since: '', until: '', sort: 'relevance', offset: 0, article: '' });
});

// Article links are real links (open in a new tab works); a plain click
// stays in the page.
$('hits').addEventListener('click', (ev) => {
  const a = ev.target.closest('a[data-article]');
  if (!a || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
  ev.preventDefault();
  articleFromList = true;
  go({ ...state, article: a.getAttribute('data-article') });
});

document.addEventListener('keydown', (ev) => {
  const t = ev.target;
  const typing = t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement;
  if (ev.key === '/' && !typing && !ev.ctrlKey && !ev.metaKey && !ev.altKey) {
    ev.preventDefault();
    $('q').focus();
    $('q').select();
  } else if (ev.key === 'Escape' && !$('article').hidden) {
    ev.preventDefault();
    backToResults();
  }
});

window.addEventListener('popstate', () => {
  state = readState();
  if (!state.article) articleFromList = false;
  render();
});

render();
if (!state.q && !state.article) $('q').focus();
