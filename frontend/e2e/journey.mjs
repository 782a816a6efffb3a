// The respondent's whole journey, end to end, in Debian's headless Chromium against the real
// binary on loopback (issue 11): a new user answers the whole questionnaire in Japanese, reloads
// midway, resumes from the private link in a fresh browser context, switches to English and
// back, submits, reads the results, downloads both PDFs (their text holds the score the page
// shows) and the workbook, and deletes the assessment. axe-core runs on every page; screenshots
// of the start, questionnaire and results pages at desktop and phone sizes go to e2e/shots/.
//
//   node e2e/journey.mjs ../bin/survey
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { answer, answerPage as answerWith, nextPage as next, PAGES, saved, submitAnswers } from './answer.mjs';
import { assert, browserTest, DESKTOP, downloadOf, expectAccessible, pageTracker, PHONE, pdfText, requireTool, SHOTS, step, xlsxEntries, CHROMIUM } from './harness.mjs';

const bin = process.argv[2];
if (!bin) throw new Error('usage: node e2e/journey.mjs PATH/TO/survey');
if (!requireTool(CHROMIUM, 'chromium') || !requireTool('/usr/bin/pdftotext', 'pdftotext')) process.exit(0);

const answers = JSON.parse(readFileSync(new URL('../../examples/answers/mid-exporter.json', import.meta.url), 'utf8'));

const pageTitle = (page) => page.locator('.sd-page__title').first().textContent();

/** Answers every question of survey page p with the example firm's answers. */
const answerPage = (page, lang, p, skip = []) => answerWith(page, answers, lang, p, skip);

const pages = pageTracker(); // the server's Content-Security-Policy must not block anything the app does (pages.csp)

/** Start page, draft, the private link, and the first three pages in Japanese with a reload. */
async function firstVisit(browser, url) {
  const { ctx, page, errors } = await pages.open(browser, DESKTOP);
  await page.goto(url);
  await page.getByTestId('start-button').waitFor();
  assert(await page.evaluate(() => document.documentElement.lang) === 'ja', 'the start page is not in Japanese');
  await expectAccessible(page, 'start page (ja)');
  await page.screenshot({ path: join(SHOTS, 'start-desktop.png') });
  step('start page: accessible, Japanese');

  await page.getByTestId('start-button').click();
  await page.getByTestId('resume-link').waitFor();
  await page.waitForSelector('.sd-question');
  const link = await page.getByTestId('resume-link-text').inputValue();
  assert(/\/resume#[^.]+\..+/.test(link), `the private link ${link} does not carry the credential in its fragment`);
  await expectAccessible(page, 'questionnaire with the private link');
  await page.getByTestId('resume-link-dismiss').click();
  step(`draft created; private link shown once (${link.replace(/\..*/, '.…')})`);

  await answerPage(page, 'ja', 0);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(SHOTS, 'questionnaire-desktop.png') });
  await expectAccessible(page, 'questionnaire page 1');
  await next(page);
  await answerPage(page, 'ja', 1);
  await expectAccessible(page, 'questionnaire page 2');
  await next(page);
  // Midway: a reload keeps the page and every answer.
  await answer(page, 'ja', 'ri_risks_concern', answers.ri_risks_concern);
  await page.reload();
  await page.waitForSelector('.sd-question[data-name="ri_risks_concern"]');
  const kept = await page.locator('.sd-question[data-name="ri_risks_concern"] input:checked').count();
  assert(kept === answers.ri_risks_concern.length, `after a reload ${kept} of ${answers.ri_risks_concern.length} choices are kept`);
  await answerPage(page, 'ja', 2, ['ri_risks_concern']); // clicking its boxes again would untick them
  await expectAccessible(page, 'questionnaire page 3');
  step('pages 1–3 answered in Japanese; a reload kept the page and the answers');
  assert(errors.length === 0, `page errors: ${errors.join('; ')}`);
  await ctx.close();
  return link;
}

/** A fresh browser context opens the private link: same page, same answers; then the rest. */
async function resumeAndFinish(browser, link) {
  const { ctx, page, errors } = await pages.open(browser, DESKTOP);
  await page.goto(link);
  // A fresh device knows nothing of where the respondent was: the app opens the first page with
  // an unanswered question, here the supply-chain page, and the earlier answers are there.
  await page.waitForSelector('.sd-question[data-name="sc_mapping"]', { timeout: 15000 });
  assert(!page.url().includes('#'), `the credential stays in the address bar: ${page.url()}`);
  await page.locator('.sd-navigation__prev-btn').first().click();
  const checked = await page.locator('.sd-question[data-name="ri_business_mapping"] input:checked').getAttribute('value');
  assert(checked === String(answers.ri_business_mapping), `resumed answer ri_business_mapping = ${checked}`);
  step('resumed from the link in a fresh context, at the first unanswered page, with every answer');

  const ja = await pageTitle(page);
  await page.getByTestId('lang-en').click();
  await page.waitForFunction((t) => document.documentElement.lang === 'en' && document.querySelector('.sd-page__title')?.textContent !== t, ja);
  const stillChecked = await page.locator('.sd-question[data-name="ri_business_mapping"] input:checked').getAttribute('value');
  assert(stillChecked === String(answers.ri_business_mapping), 'answers lost when switching to English');
  await expectAccessible(page, 'questionnaire in English');
  await page.getByTestId('lang-ja').click();
  await page.waitForFunction((t) => document.documentElement.lang === 'ja' && document.querySelector('.sd-page__title')?.textContent === t, ja);
  step('switched to English and back without losing answers');

  await next(page);
  for (let p = 3; p < PAGES; p++) {
    await answerPage(page, 'ja', p);
    await expectAccessible(page, `questionnaire page ${p + 1}`);
    if (p < PAGES - 1) await next(page);
  }
  await submitAnswers(page);
  step('all seven pages answered; submitted');
  assert(errors.length === 0, `page errors: ${errors.join('; ')}`);
  return { ctx, page };
}

/** The results page: score, accessibility, filters, downloads read back. */
async function results(page) {
  await page.waitForTimeout(500); // the chart animates in
  const score = (await page.getByTestId('result-score').textContent()).trim();
  assert(/^\d+(\.\d)?$/.test(score.replace(/[^\d.]/g, '')), `score shown: ${score}`);
  await expectAccessible(page, 'results page');
  await page.screenshot({ path: join(SHOTS, 'results-desktop.png') });
  const all = await page.getByTestId('checklist-item').count();
  await page.getByTestId('filter-priority').selectOption('high');
  const high = await page.getByTestId('checklist-item').count();
  assert(high > 0 && high < all, `filtering by priority high shows ${high} of ${all} items`);
  await page.getByTestId('filter-priority').selectOption('');
  step(`results: score ${score}, ${all} checklist items (${high} high priority), accessible`);

  const firm = '株式会社𠮷野製作所';
  await page.getByTestId('firm-name').fill(firm);
  const reports = [];
  page.on('request', (r) => {
    if (r.url().includes('/report.pdf')) reports.push(r);
  });
  const number = score.replace(/[^\d.]/g, '');
  for (const [id, check] of [
    ['download-pdf-ja', (f) => {
      const text = pdfText(f);
      assert(text.includes(number), `the Japanese PDF does not show the score ${number}`);
      assert(text.includes('株式会社吉野製作所'), 'the Japanese PDF does not print the firm name (𠮷 as 吉)');
    }],
    ['download-pdf-en', (f) => assert(pdfText(f).includes(number), `the English PDF does not show the score ${number}`)],
    ['download-xlsx', (f) => assert(xlsxEntries(f).some((n) => n.startsWith('xl/worksheets/')), 'the workbook has no worksheet')],
  ]) {
    check(await downloadOf(page, id, 30000));
  }
  assert(reports.length === 2, `${reports.length} report requests, want 2`);
  for (const r of reports) {
    assert(!r.url().includes('firm') && !r.url().includes(encodeURIComponent('野')), `the firm name is in the URL: ${r.url()}`);
    const header = (await r.allHeaders())['x-report-firm'];
    assert(header === encodeURIComponent(firm), `X-Report-Firm: ${header}`);
  }
  step('downloaded the Japanese and English PDFs (both show the score; the firm name sent in X-Report-Firm, not the URL) and the workbook');
}

/** Delete from the results page: gone from the server, and the app is back at the start. */
async function deleteAssessment(page, url) {
  const cred = await page.evaluate(() => Object.entries(localStorage).map(([k, v]) => `${k}=${v}`).join('\n'));
  const m = /"id":"([^"]+)".*?"token":"([^"]+)"/s.exec(cred) || /"id":"([^"]+)".*?"respondent_token":"([^"]+)"/s.exec(cred);
  await page.getByTestId('delete-button').click();
  await page.getByTestId('delete-dialog').waitFor();
  await expectAccessible(page, 'delete confirmation');
  await page.getByTestId('delete-confirm').click();
  await page.getByTestId('start-button').waitFor({ timeout: 15000 });
  if (m) {
    const res = await fetch(new URL(`api/v1/assessments/${m[1]}/result`, url), { headers: { Authorization: `Bearer ${m[2]}` } });
    assert(res.status === 404, `after the delete the result answers ${res.status}, want 404`);
  } else {
    throw new Error('the credential was not found in local storage before the delete');
  }
  step('deleted: the server no longer has the assessment; back at the start page');
}

/** The same three pages on a phone-sized screen. */
async function phone(browser, url) {
  const { ctx, page } = await pages.open(browser, PHONE);
  await page.goto(url);
  await page.getByTestId('start-button').waitFor();
  await expectAccessible(page, 'start page on a phone');
  await page.screenshot({ path: join(SHOTS, 'start-phone.png') });
  await page.getByTestId('start-button').click();
  await page.getByTestId('resume-link-dismiss').click();
  await page.waitForSelector('.sd-question');
  await answer(page, 'ja', 'prof_industry', 'manufacturing');
  await saved(page);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(SHOTS, 'questionnaire-phone.png') });
  await expectAccessible(page, 'questionnaire on a phone');
  await ctx.close();
  step('phone: start and questionnaire pages accessible');
}

await browserTest({ bin, name: 'the respondent journey', pages }, async ({ server, browser }) => {
  const link = await firstVisit(browser, server.url);
  const { ctx, page } = await resumeAndFinish(browser, link);
  await results(page);
  const shot = await browser.newContext(PHONE);
  const phonePage = await shot.newPage();
  // The results page on a phone: the same assessment, opened from its link.
  await phonePage.goto(link);
  await phonePage.getByTestId('result-overall').waitFor({ timeout: 15000 });
  await phonePage.waitForTimeout(500);
  await expectAccessible(phonePage, 'results page on a phone');
  await phonePage.screenshot({ path: join(SHOTS, 'results-phone.png') });
  await shot.close();
  await deleteAssessment(page, server.url);
  await ctx.close();
  await phone(browser, server.url);
  assert(pages.csp.length === 0, `the Content-Security-Policy blocked: ${pages.csp.join('; ')}`);
  step('no Content-Security-Policy violation on any page');
});
