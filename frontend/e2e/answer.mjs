// Answers SurveyJS questions through the UI, as a person would (click labels, type, pick).
import { readFileSync } from 'node:fs';
export const FORM = {
  ja: JSON.parse(readFileSync(new URL('../../internal/questionnaire/testdata/esr.surveyjs.ja.json', import.meta.url), 'utf8')),
  en: JSON.parse(readFileSync(new URL('../../internal/questionnaire/testdata/esr.surveyjs.en.json', import.meta.url), 'utf8')),
};
export const ELEMENTS = Object.fromEntries(Object.entries(FORM).map(([l, f]) => [l, Object.fromEntries(f.pages.flatMap((p) => p.elements).map((e) => [e.name, e]))]));
export const PAGE_OF = Object.fromEntries(FORM.ja.pages.flatMap((p, i) => p.elements.map((e) => [e.name, i])));

/** The number of pages of the questionnaire. */
export const PAGES = FORM.ja.pages.length;

/** Waits until autosave says the answers are saved. */
export const saved = (page) => page.waitForFunction(() => document.querySelector('[data-testid=autosave-status]')?.dataset.state === 'saved', null, { timeout: 15000 });

/** Goes on to the next page of the questionnaire. */
export const nextPage = (page) => page.locator('.sd-navigation__next-btn').first().click();

/** Answers every question of survey page p (but those of skip) with answers, and waits for them to be saved. */
export async function answerPage(page, answers, lang, p, skip = []) {
  await page.waitForSelector('.sd-question');
  for (const [id, v] of Object.entries(answers)) {
    if (PAGE_OF[id] === p && !skip.includes(id)) await answer(page, lang, id, v);
  }
  await saved(page);
}

/** Submits the questionnaire from its last page and waits for the result. */
export async function submitAnswers(page) {
  await page.locator('.sd-navigation__complete-btn').first().click();
  await page.getByTestId('result-overall').waitFor({ timeout: 20000 });
}

const q = (page, name) => page.locator(`.sd-question[data-name="${name}"]`);

async function clickChoice(page, name, value) {
  const label = q(page, name).locator('label', { has: page.locator(`input[value="${value}"]`) });
  await label.click({ timeout: 5000 });
}

async function pickDropdown(page, container, text) {
  await container.click();
  await page.waitForTimeout(150);
  const search = page.locator('.sv-dropdown-popup:visible input:visible');
  if (await search.count()) await search.first().fill(text.replace(/[()]/g, ''));
  else if (!page.viewportSize() || page.viewportSize().width > 600) await page.keyboard.type(text.replace(/[()]/g, ''));
  await page.waitForTimeout(150);
  const opt = page.locator('.sv-dropdown-popup li[role=option]:visible', { hasText: text }).first();
  await opt.scrollIntoViewIfNeeded();
  await opt.click();
  await page.waitForTimeout(120);
}

export async function answer(page, lang, name, value) {
  const e = ELEMENTS[lang][name];
  if (!e) throw new Error('no question ' + name);
  const root = q(page, name);
  await root.waitFor({ state: 'visible', timeout: 5000 });
  switch (e.type) {
    case 'radiogroup':
      return clickChoice(page, name, String(value));
    case 'checkbox':
      for (const v of value) await clickChoice(page, name, v);
      return;
    case 'dropdown':
      return pickDropdown(page, root.locator('.sd-dropdown'), e.choices.find((c) => c.value === value).text);
    case 'text':
      if (typeof value === 'string') return clickChoice(page, name + '__special', value);
      await root.locator('input').fill(String(value));
      return;
    case 'comment':
      return root.locator('textarea').fill(value);
    case 'matrixdynamic': {
      const rows = [];
      for (const [item, shares] of Object.entries(value)) for (const [country, share] of Object.entries(shares)) rows.push({ item, country, share });
      const itemText = Object.fromEntries(e.columns[0].choices.map((c) => [c.value, c.text]));
      for (let i = 0; i < rows.length; i++) {
        const trs = root.locator('tbody tr.sd-table__row');
        if ((await trs.count()) <= i) {
          await root.getByRole('button', { name: e.addRowText }).click();
          await page.waitForTimeout(100);
        }
        const tr = root.locator('tbody tr.sd-table__row').nth(i);
        const cells = tr.locator('td.sd-table__cell[data-rendered]');
        await pickDropdown(page, cells.nth(0).locator('.sd-dropdown'), itemText[rows[i].item]);
        await pickDropdown(page, cells.nth(1).locator('.sd-dropdown'), `(${rows[i].country})`);
        await cells.nth(2).locator('input').fill(String(rows[i].share));
      }
      return;
    }
  }
  throw new Error('cannot answer ' + e.type);
}
