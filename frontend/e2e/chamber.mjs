// The chamber of commerce's side, end to end, in Debian's headless Chromium against the real
// binary on loopback: the command line seeds a chamber and its admin, who sets a password from
// the printed link, logs in (the refresh cookie survives a reload on http://127.0.0.1), creates
// a campaign, uploads an invitations file with a bad row (its line number shown), downloads the
// mail-merge file and takes two firms' links. Each firm opens its link (who asks, until when,
// consent defaulting to no), answers the whole questionnaire and reaches its result; one
// consents, withdraws and consents again. Back as staff: the response rate, the results with
// every cell suppressed (2 firms < k = 5) and the page saying so, the downloads, staff
// accounts, English, a phone-sized screen, logging out. axe-core runs on every page; the
// screenshots docs/web-staff-dashboard.png, docs/web-staff-campaigns.png and docs/web-invite.png
// are written for the documentation, others to e2e/shots/.
//
//   node e2e/chamber.mjs ../bin/survey
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { answerPage, nextPage, PAGES, submitAnswers } from './answer.mjs';
import { assert, browserTest, downloadOf, expectAccessible, pageTracker, requireTool, step, xlsxEntries, CHROMIUM, PHONE, SHOTS } from './harness.mjs';

const bin = process.argv[2];
if (!bin) throw new Error('usage: node e2e/chamber.mjs PATH/TO/survey');
if (!requireTool(CHROMIUM, 'chromium')) process.exit(0);

const DOCS = new URL('../../docs/', import.meta.url).pathname;
const EMAIL = 'admin@osaka.example.jp';
const PASSWORD = 'umeda namba tennoji 2026';
const example = (name) => JSON.parse(readFileSync(new URL(`../../examples/answers/${name}.json`, import.meta.url), 'utf8'));
const FIRMS = [
  { name: '株式会社テスト製作所', email: 'a@firm-a.example.jp', answers: example('mid-exporter'), consent: true },
  { name: '有限会社二番商事', email: 'b@firm-b.example.jp', answers: example('small-sme'), consent: false },
];
// Line 4 has a bad e-mail address and an unknown size band: it is refused, lines 2 and 3 are imported.
const CSV = `企業名,メールアドレス,規模,業種,都道府県\n${FIRMS[0].name},${FIRMS[0].email},中小企業,manufacturing,大阪府\n${FIRMS[1].name},${FIRMS[1].email},小規模,,27\n悪い行株式会社,not-an-email,巨大,,大阪府\n`;

const pages = pageTracker();
const text = (page, testid) => page.getByTestId(testid).first().innerText();

/** The admin sets a password from the command line's link, then logs in. */
async function acceptAndLogin(browser, url, token) {
  const { ctx, page } = await pages.open(browser);
  await page.goto(`${url}staff/accept#${token}`);
  await page.getByTestId('accept-password').waitFor();
  assert(!page.url().includes('#'), `the set-password token stays in the address bar: ${page.url()}`);
  await expectAccessible(page, 'set-password page');
  await page.getByTestId('accept-password').fill(PASSWORD);
  await page.getByTestId('accept-again').fill(PASSWORD + 'x');
  await page.getByTestId('accept-submit').click();
  await page.getByTestId('accept-again-error').waitFor();
  await page.getByTestId('accept-again').fill(PASSWORD);
  await page.getByTestId('accept-submit').click();
  await page.getByTestId('login-email').waitFor();
  assert((await page.getByTestId('login-email').inputValue()) === EMAIL, 'the login page does not offer the e-mail address just set up');
  await page.getByTestId('notice-accepted').waitFor();
  await expectAccessible(page, 'login page');
  step('set the password from the link printed by `survey user create` (token out of the address bar)');

  await page.getByTestId('login-password').fill('not the password');
  await page.getByTestId('login-submit').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=login-error]')?.textContent);
  await page.getByTestId('login-password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('campaign-none').waitFor();
  await expectAccessible(page, 'campaign list (empty)');

  // The access token lives in memory only; the refresh cookie keeps the session through a reload.
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
  assert(!/eyJ/.test(stored), 'an access token is kept in web storage');
  const cookie = (await ctx.cookies()).find((c) => c.name === 'esready_refresh');
  assert(cookie?.secure && cookie.httpOnly && cookie.sameSite === 'Strict', `refresh cookie: ${JSON.stringify(cookie)}`);
  await page.reload();
  await page.getByTestId('campaign-none').waitFor({ timeout: 10000 });
  assert(new URL(page.url()).pathname === '/staff', `after a reload the page is ${page.url()}`);
  step('logged in (a wrong password refused first); Chromium keeps the Secure refresh cookie on http://127.0.0.1, so a reload stays signed in; no token in web storage');
  return { ctx, page };
}

/** A campaign: a refused form first (no titles), then a good one with an open link. */
async function createCampaign(page) {
  await page.getByTestId('new-campaign').click();
  await page.getByTestId('campaign-form').waitFor();
  await expectAccessible(page, 'new campaign form');
  await page.getByTestId('campaign-create').click();
  await page.getByTestId('campaign-title-ja-error').waitFor();
  await page.getByTestId('campaign-title-ja').fill('経済安全保障への備え 会員企業調査 2026');
  await page.getByTestId('campaign-title-en').fill('Economic-security readiness: member survey 2026');
  await page.getByTestId('campaign-open-link').check();
  await page.getByTestId('campaign-create').click();
  await page.getByTestId('staff-progress').waitFor({ timeout: 10000 });
  const id = new URL(page.url()).pathname.split('/').pop();
  await expectAccessible(page, 'campaign dashboard (new)');
  step(`created campaign ${id} (a form without titles refused at the field first)`);
  return id;
}

/** Uploads the file with a bad line, then takes the two firms' links from the mail-merge file. */
async function invite(page, url) {
  await page.getByTestId('invite-file').setInputFiles({ name: 'firms.csv', mimeType: 'text/csv', buffer: Buffer.from('\ufeff' + CSV, 'utf8') });
  await page.getByTestId('invite-upload').click();
  await page.getByTestId('invite-errors').waitFor();
  const status = await text(page, 'invite-status');
  assert(/2/.test(status), `upload status: ${status}`);
  const bad = page.locator('[data-testid=invite-error][data-line="4"]');
  assert((await bad.count()) >= 1, 'no error listed for line 4');
  const first = await bad.first().innerText();
  assert(first.includes('4'), `the error of line 4 does not show its line: ${first}`);
  assert((await page.locator('[data-testid=invite-error]:not([data-line="4"])').count()) === 0, 'errors listed for good lines');
  await page.getByTestId('progress-total').filter({ hasText: '2' }).waitFor();
  await expectAccessible(page, 'dashboard with upload errors');
  step(`uploaded the invitations file: 2 firms invited, line 4 refused (${(await bad.count())} problems, e.g. “${first.replace(/\s+/g, ' ').slice(0, 60)}…”)`);

  const file = await downloadOf(page, 'download-links');
  const csv = readFileSync(file, 'utf8');
  assert(csv.startsWith('\ufeff'), 'the mail-merge file has no byte-order mark (Excel would read it as Shift_JIS)');
  const links = FIRMS.map((f) => {
    const line = csv.split(/\r?\n/).find((l) => l.includes(f.email));
    const m = line && /(http:\/\/[^,\s"]+\/invite#[^,\s"]+)/.exec(line);
    assert(m, `no link for ${f.email} in the mail-merge file:\n${csv}`);
    assert(m[1].startsWith(url), `link ${m[1]} is not under ${url}`);
    return m[1];
  });
  const open = await page.getByTestId('open-link-text').inputValue();
  assert(/\/join#\w+/.test(open), `open link: ${open}`);
  step('downloaded the mail-merge file (UTF-8 with BOM) and took both firms\' links; the open link is shown');
  return { links, open };
}

/** Answers every page of the questionnaire with a firm's answers and submits. */
async function answerAll(page, answers) {
  for (let p = 0; p < PAGES; p++) {
    await answerPage(page, answers, 'ja', p);
    if (p < PAGES - 1) await nextPage(page);
  }
  await submitAnswers(page);
}

/** A firm opens its invitation, says whether the chamber may see its answers, answers, and reads its result. */
async function firm(browser, link, f, shot) {
  const { ctx, page } = await pages.open(browser);
  await page.goto(link);
  await page.getByTestId('landing-start').waitFor();
  assert(!page.url().includes('#'), `the invitation token stays in the address bar: ${page.url()}`);
  assert((await text(page, 'landing-chamber')).includes('大阪商工会議所'), 'the landing does not say which chamber asks');
  assert((await text(page, 'landing-firm')).includes(f.name), 'the landing does not name the invited firm');
  assert(/\d/.test(await text(page, 'landing-deadline')), 'the landing does not say until when');
  assert(await page.getByTestId('consent-no').isChecked(), 'consent does not default to no');
  await expectAccessible(page, 'invitation landing');
  if (shot) await page.screenshot({ path: join(DOCS, 'web-invite.png'), fullPage: true });
  if (f.consent) await page.getByTestId('consent-yes').check();
  await page.getByTestId('landing-start').click();
  await page.getByTestId('resume-link-dismiss').click();
  assert((await text(page, 'survey-campaign')).includes('大阪商工会議所'), 'the questionnaire does not name the campaign');
  if (shot) await page.screenshot({ path: join(SHOTS, 'survey-campaign.png') });
  await answerAll(page, f.answers);
  await page.getByTestId('result-consent').waitFor();
  const state = await page.getByTestId('consent-state').getAttribute('data-consent');
  assert(state === String(f.consent), `consent on the result page: ${state}, want ${f.consent}`);
  await expectAccessible(page, 'result page in a campaign');
  if (shot) await page.getByTestId('result-consent').screenshot({ path: join(SHOTS, 'result-consent.png') });
  if (f.consent) {
    await page.getByTestId('consent-toggle').click();
    await page.locator('[data-testid=consent-state][data-consent=false]').waitFor();
    await page.getByTestId('consent-toggle').click();
    await page.locator('[data-testid=consent-state][data-consent=true]').waitFor();
  }
  await ctx.close();
  step(`${f.name}: landing (chamber, firm, deadline; consent “no” by default), answered all ${PAGES} pages, result; consent ${f.consent ? 'given, withdrawn and given again' : 'not given'}`);
}

/** The staff member sees the response rate and results, every cell suppressed. */
async function dashboard(page, url, id) {
  await page.goto(`${url}staff/campaigns/${id}`);
  await page.getByTestId('results-table').waitFor({ timeout: 15000 });
  const total = await text(page, 'progress-total');
  assert(/2/.test(total) && /100/.test(total), `response rate: ${total}`);
  await page.getByTestId('pending-none').waitFor();
  assert(/1/.test(await text(page, 'progress-consenting')), 'consenting firms ≠ 1');
  const cells = page.locator('[data-testid=results-table] tbody td');
  const hidden = page.locator('[data-testid=results-table] tbody td[data-suppressed]');
  assert((await cells.count()) > 0 && (await cells.count()) === (await hidden.count()), `${await hidden.count()} of ${await cells.count()} cells suppressed`);
  assert((await page.locator('[data-testid=results-table] tbody td:not([data-suppressed])').count()) === 0, 'a cell is shown with 2 firms');
  const note = await text(page, 'results-suppressed-note');
  assert(note.includes('5'), `suppression note: ${note}`);
  await page.getByTestId('results-chart-none').waitFor();
  assert(/2/.test(await text(page, 'results-intro')), 'the results do not say how many firms submitted');
  await page.getByTestId('results-question').selectOption('gov_accountable_person');
  await page.locator('[data-testid=results-table] caption').waitFor();
  assert((await page.locator('[data-testid=results-table] tbody td:not([data-suppressed])').count()) === 0, 'a cell of the second question is shown');
  assert((await page.locator('[data-testid=results-scores] tbody td:not([data-suppressed])').count()) === 0, 'a score is shown with 2 firms');
  assert((await page.getByTestId('results-filter').locator('option').count()) === 1, 'filters offered although the API lists none');
  await expectAccessible(page, 'dashboard with results');
  await page.screenshot({ path: join(DOCS, 'web-staff-dashboard.png'), fullPage: true });
  step(`dashboard: ${total.trim()}; every results cell “—” with the note “${note.trim()}”; no chart, no filter`);

  const answers = readFileSync(await downloadOf(page, 'export-answers-csv'), 'utf8');
  assert(answers.startsWith('\ufeff') && answers.includes('秘匿'), 'the answers CSV does not show its cells as suppressed');
  assert(xlsxEntries(await downloadOf(page, 'export-xlsx')).some((n) => n.startsWith('xl/worksheets/')), 'the workbook has no worksheet');
  const responses = readFileSync(await downloadOf(page, 'export-responses'), 'utf8');
  assert(responses.includes(FIRMS[0].name) && !responses.includes(FIRMS[1].name), 'responses.csv is not exactly the consenting firm');
  step('downloaded the answers CSV (suppressed cells as such), the workbook and the consenting firm\'s answers only');
}

async function campaignsList(page) {
  await page.getByTestId('nav-campaigns').click();
  await page.getByTestId('campaign-row').waitFor();
  const rate = await text(page, 'campaign-rate');
  assert(/100/.test(rate), `list rate: ${rate}`);
  await expectAccessible(page, 'campaign list');
  await page.screenshot({ path: join(DOCS, 'web-staff-campaigns.png') });
  step(`campaign list: status and response rate (${rate})`);
}

async function staffAccounts(page) {
  await page.getByTestId('nav-users').click();
  await page.getByTestId('user-list').waitFor();
  await expectAccessible(page, 'staff accounts');
  await page.getByTestId('user-email').fill('analyst@osaka.example.jp');
  await page.getByTestId('user-name').fill('分析花子');
  await page.getByTestId('user-invite').click();
  await page.getByTestId('invite-link').waitFor();
  assert(/\/staff\/accept#\S+/.test(await page.getByTestId('invite-link-text').inputValue()), 'no set-password link shown');
  await page.getByTestId('invite-link-copy').click();
  await page.getByTestId('invite-link-copied').filter({ hasText: /./ }).waitFor();
  const row = page.locator('[data-testid=user-row][data-email="analyst@osaka.example.jp"]');
  await row.getByTestId('user-toggle').click();
  await row.getByTestId('user-state').filter({ hasText: '停止' }).waitFor();
  await expectAccessible(page, 'staff accounts with an invitation link');
  step('staff accounts: invited an analyst (link shown once, copied), disabled the account');
}

async function english(page, id) {
  await page.goto(page.url().replace(/\/staff.*/, `/staff/campaigns/${id}`));
  await page.getByTestId('results-table').waitFor();
  await page.getByTestId('lang-en').click();
  await page.getByTestId('results-table').filter({ hasText: 'All firms' }).waitFor();
  assert((await text(page, 'results-suppressed-note')).includes('fewer than 5 firms'), 'no English suppression note');
  await expectAccessible(page, 'dashboard in English');
  await page.screenshot({ path: join(SHOTS, 'staff-dashboard-en.png'), fullPage: true });
  await page.getByTestId('lang-ja').click();
  await page.getByTestId('results-table').filter({ hasText: 'すべての企業' }).waitFor();
  step('dashboard in English and back');
}

async function phone(browser, url, id, open) {
  const { ctx, page } = await pages.open(browser, PHONE);
  await page.goto(`${url}staff/login`);
  await page.getByTestId('login-email').fill(EMAIL);
  await page.getByTestId('login-password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('campaign-row').waitFor();
  await expectAccessible(page, 'campaign list on a phone');
  await page.goto(`${url}staff/campaigns/${id}`);
  await page.getByTestId('results-table').waitFor();
  await expectAccessible(page, 'dashboard on a phone');
  await page.screenshot({ path: join(SHOTS, 'staff-dashboard-phone.png'), fullPage: true });
  const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
  assert(!wide, 'the dashboard scrolls sideways on a phone');
  await page.goto(open);
  await page.getByTestId('landing-start').waitFor();
  assert((await page.getByTestId('landing-firm').count()) === 0, 'the open link names a firm');
  await expectAccessible(page, 'open-link landing on a phone');
  await page.screenshot({ path: join(SHOTS, 'invite-phone.png'), fullPage: true });
  await page.goto(`${url}invite#not-a-real-token`);
  await page.getByTestId('landing-invalid').waitFor();
  await expectAccessible(page, 'invalid invitation');
  await ctx.close();
  step('phone: campaign list, dashboard (no sideways scrolling) and the open-link landing accessible; an invalid link explains itself');
}

async function logout(page, url) {
  await page.getByTestId('logout').click();
  await page.getByTestId('login-email').waitFor();
  await page.goto(`${url}staff`);
  await page.getByTestId('login-email').waitFor();
  step('logged out: /staff goes to the login page');
}

let token = '';
const seed = (run) => {
  run('chamber', 'create', '--id', 'osaka-cci', '--name', '大阪商工会議所', '--name-en', 'Osaka CCI');
  const out = run('user', 'create', '--email', EMAIL, '--name', '管理太郎', '--role', 'chamber_admin', '--chamber', 'osaka-cci');
  token = /\/staff\/accept#(\S+)/.exec(out)?.[1] ?? '';
  if (!token) throw new Error(`no set-password link in: ${out}`);
};
await browserTest({ bin, name: 'the chamber of commerce', pages, seed }, async ({ server, browser }) => {
  step('seeded chamber osaka-cci and its admin with the command line');
  const { page } = await acceptAndLogin(browser, server.url, token);
  const id = await createCampaign(page);
  const { links, open } = await invite(page, server.url);
  for (let i = 0; i < FIRMS.length; i++) await firm(browser, links[i], FIRMS[i], i === 0);
  pages.current = page;
  await dashboard(page, server.url, id);
  await campaignsList(page);
  await staffAccounts(page);
  await english(page, id);
  await phone(browser, server.url, id, open);
  pages.current = page;
  await logout(page, server.url);
  assert(pages.errors.length === 0, `page errors: ${pages.errors.join('; ')}`);
  assert(pages.csp.length === 0, `the Content-Security-Policy blocked: ${pages.csp.join('; ')}`);
  step('no page error, no Content-Security-Policy violation');
});
