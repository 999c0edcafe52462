// End-to-end test of the `newsidx serve` page in headless Chromium.
//
// In: NEWSIDX_URL (a running server over sample_corpus plus the XSS fixture
// that run.sh writes), CHROMIUM (default /usr/bin/chromium), SCREENSHOTS (a
// folder; default docs/screenshots). Out: one line per check, a closing
// "N passed, N failed" line, exit code 1 on any failure, and screenshots.
// It does not start the server or build anything: run.sh does.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const base = (process.env.NEWSIDX_URL || 'http://127.0.0.1:7878').replace(/\/$/, '');
const shots = process.env.SCREENSHOTS || 'docs/screenshots';
const PHRASE = 'non-aggression pact';
const TIMEOUT = 15_000;

let passed = 0;
let failed = 0;
function check(name, ok, detail = '') {
  if (ok) {
    passed++;
    console.log(`ok   ${name}`);
  } else {
    failed++;
    console.log(`FAIL ${name}${detail ? `: ${detail}` : ''}`);
  }
}

mkdirSync(shots, { recursive: true });
const profile = mkdtempSync(join(tmpdir(), 'newsidx-e2e-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1280, height: 900 },
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
  timeout: 60_000,
});

const dialogs = [];
const pageErrors = [];
const consoleErrors = [];
const page = context.pages()[0] || (await context.newPage());
page.setDefaultTimeout(TIMEOUT);
page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
page.on('pageerror', (e) => pageErrors.push(String(e)));
page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });

const url = () => new URL(page.url());
const text = (sel) => page.locator(sel).first().innerText();
// Wait until the results for the current address are on screen.
async function settled() {
  await page.waitForFunction(() => !document.body.classList.contains('busy')
    && document.getElementById('status').textContent !== 'Searching…');
}

try {
  // 1. The page loads, focuses the search box, and is served with a CSP.
  const resp = await page.goto(base + '/');
  check('page loads with 200', resp && resp.status() === 200, String(resp && resp.status()));
  check('page has a Content-Security-Policy', /script-src 'self'/.test((resp && resp.headers()['content-security-policy']) || ''));
  await settled();
  check('search box has focus on an empty page', await page.evaluate(() => document.activeElement && document.activeElement.id === 'q'));

  // 2. Search for a phrase with the keyboard alone: type, Enter.
  await page.keyboard.type(`"${PHRASE}"`);
  await page.keyboard.press('Enter');
  await page.locator('#hits li.hit').first().waitFor();
  await settled();
  check('address carries the query', url().searchParams.get('q') === `"${PHRASE}"`, page.url());
  const marks = await page.locator('#hits mark').allInnerTexts();
  check('results highlight the phrase', marks.some((m) => m.toLowerCase().replace(/\s+/g, ' ') === PHRASE), JSON.stringify(marks));
  check('status counts the results', /of \d+ articles?/.test(await text('#status')), await text('#status'));
  check('timeline is shown', await page.locator('#timeline').isVisible());
  await page.screenshot({ path: join(shots, 'serve.png'), fullPage: true });

  // 3. A facet filters, shows as a removable chip and lands in the address.
  const facet = page.locator('#facet-sources button.facet').first();
  const source = await facet.locator('.name').innerText();
  await facet.click();
  await page.waitForFunction((s) => new URL(location.href).searchParams.getAll('source').includes(s), source);
  await settled();
  const sources = await page.locator('#hits .meta .source').allInnerTexts();
  check('source facet filters the hits', sources.length > 0 && sources.every((s) => s === source), `${source}: ${JSON.stringify(sources)}`);
  check('filter chip shown', (await page.locator('#filters .chip').allInnerTexts()).some((c) => c.includes(source)));
  await page.locator('#filters .chip').first().click();
  await page.waitForFunction(() => !new URL(location.href).searchParams.has('source'));
  await settled();
  check('removing the chip removes the filter', (await page.locator('#filters .chip').count()) === 0);

  // A person facet narrows to articles naming them.
  const personFacet = page.locator('#facet-people button.facet').first();
  const person = await personFacet.locator('.name').innerText();
  await personFacet.click();
  await page.waitForFunction((p) => new URL(location.href).searchParams.getAll('person').includes(p), person);
  await settled();
  const people = await page.locator('#hits .people').allInnerTexts();
  check('person facet filters the hits', people.length > 0 && people.every((p) => p.includes(person)), `${person}: ${JSON.stringify(people)}`);
  check('active facet is marked pressed', (await page.locator('#facet-people button[aria-pressed="true"] .name').allInnerTexts()).includes(person));
  await page.goBack();
  await page.waitForFunction(() => !new URL(location.href).searchParams.has('person'));
  await settled();

  // 4. A timeline bar keeps only that period.
  const bar = page.locator('#bars .bar:not([disabled])').first();
  const period = await bar.getAttribute('data-period');
  await bar.click();
  await page.waitForFunction((p) => new URL(location.href).searchParams.get('since') === p, period);
  await settled();
  const dates = await page.locator('#hits .meta time').allInnerTexts();
  check('timeline bar sets since/until', url().searchParams.get('until') === period, page.url());
  check('hits are from that period', dates.length > 0 && dates.every((d) => d.startsWith(period)), `${period}: ${JSON.stringify(dates)}`);

  // 5. The address is the state: a reload shows the same search.
  await page.reload();
  await page.locator('#hits li.hit').first().waitFor();
  await settled();
  check('reload keeps query and filter', (await page.inputValue('#q')) === `"${PHRASE}"`
    && (await page.locator('#filters .chip').count()) === 1);
  await page.goBack();
  await page.waitForFunction(() => !new URL(location.href).searchParams.has('since'));
  await settled();
  check('browser Back restores the previous search', (await page.locator('#filters .chip').count()) === 0);

  // 6. Open an article: query highlighted in the full text; Esc returns.
  await page.locator('#hits li.hit h3 a').first().click();
  await page.locator('#article-body mark').first().waitFor();
  check('article view opens with highlights', (await page.locator('#article-body mark').first().innerText()).toLowerCase() === PHRASE);
  check('address carries the article', url().searchParams.has('article'));
  await page.screenshot({ path: join(shots, 'serve-article.png') });
  await page.keyboard.press('Escape');
  await page.locator('#article').waitFor({ state: 'hidden' });
  check('Esc goes back to the results', await page.locator('#results').isVisible());

  // 7. Hostile article text renders as text, never as markup.
  await page.keyboard.press('/');
  check('"/" focuses the search box', await page.evaluate(() => document.activeElement.id === 'q'));
  await page.keyboard.type('hostile markup');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('q') === 'hostile markup');
  await settled();
  const xssHit = page.locator('#hits li.hit h3 a', { hasText: '<script>alert(1)</script>' }).first();
  await xssHit.waitFor();
  check('hostile title shown as literal text', (await xssHit.innerText()).includes('<script>alert(1)</script>'));
  await xssHit.click();
  await page.locator('#article-title').filter({ hasText: '<script>' }).waitFor();
  const body = await text('#article-body');
  check('hostile body shown as literal text', body.includes('<script>alert(1)</script>') && body.includes('<img src=x onerror=alert(1)>'), body);
  const injected = await page.evaluate(() => document.querySelectorAll('main script, main img, main iframe').length);
  check('no element was created from article text', injected === 0, String(injected));
  await page.waitForTimeout(300); // an onerror handler would fire by now
  check('no dialog fired', dialogs.length === 0, JSON.stringify(dialogs));

  // 8. Paging: the empty query lists the whole archive, 10 a page.
  await page.goto(base + '/');
  await page.locator('#hits li.hit').first().waitFor();
  await settled();
  const firstPage = await page.locator('#hits li.hit h3').allInnerTexts();
  await page.locator('#next').click();
  await page.waitForFunction(() => new URL(location.href).searchParams.get('offset') === '10');
  await settled();
  const secondPage = await page.locator('#hits li.hit h3').allInnerTexts();
  check('Next shows the following page', /^11–/.test(await text('#status'))
    && secondPage.length > 0 && !secondPage.some((t) => firstPage.includes(t)), await text('#status'));

  // 9. Clear messages for no hits and for errors.
  await page.goto(base + '/?q=zzqxjvwk');
  await page.locator('#message.empty').waitFor();
  check('no-hits message', (await text('#message')).includes('No articles match'), await text('#message'));
  await page.goto(base + '/?since=2020-13');
  await page.locator('#message.error').waitFor();
  check('error message from the API', (await text('#message')).includes('month must be 01 to 12'), await text('#message'));

  // 10. Narrow screen: nothing wider than the viewport.
  await page.setViewportSize({ width: 380, height: 800 });
  await page.goto(base + `/?q=${encodeURIComponent(`"${PHRASE}"`)}`);
  await page.locator('#hits li.hit').first().waitFor();
  await settled();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check('readable on a narrow screen (no horizontal scroll)', overflow <= 0, `${overflow}px too wide`);
  await page.screenshot({ path: join(shots, 'serve-narrow.png'), fullPage: true });

  check('no script errors on the page', pageErrors.length === 0, JSON.stringify(pageErrors));
  // CSP violations and failed loads are console errors; the deliberate
  // 400 of step 8 shows up as one failed request, nothing else may.
  const unexpected = consoleErrors.filter((e) => !/status of 400/.test(e));
  check('no console errors (CSP violations, failed loads)', unexpected.length === 0, JSON.stringify(unexpected));
} catch (e) {
  failed++;
  console.log(`FAIL unexpected: ${e && e.stack ? e.stack : e}`);
  for (const x of pageErrors) console.log(`     page error: ${x}`);
  for (const x of consoleErrors) console.log(`     console error: ${x}`);
  await page.screenshot({ path: join(shots, 'serve-failure.png'), fullPage: true }).catch(() => {});
} finally {
  await context.close().catch(() => {});
  rmSync(profile, { recursive: true, force: true });
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
