// Page weight and time to interactive of the web app on loopback, in Debian's headless Chromium:
// bytes transferred (compressed) for scripts and styles, and the time from navigation until the
// start page's button, then the questionnaire's first question, can be used. Median of 5 runs.
//
//   node e2e/measure.mjs ../bin/survey
import { launchBrowser, startServer } from './harness.mjs';

const server = await startServer(process.argv[2]);
const browser = await launchBrowser();
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const runs = { start: [], survey: [], bytes: [] };
try {
  for (let i = 0; i < 5; i++) {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    let t0 = Date.now();
    await page.goto(server.url);
    await page.getByTestId('start-button').waitFor();
    runs.start.push(Date.now() - t0);
    t0 = Date.now();
    await page.getByTestId('start-button').click();
    await page.locator('.sd-question input').first().waitFor();
    runs.survey.push(Date.now() - t0);
    runs.bytes.push(await page.evaluate(() => performance.getEntriesByType('resource')
      .filter((e) => /\.(js|css)$/.test(new URL(e.name).pathname))
      .reduce((n, e) => n + e.transferSize, 0)));
    await ctx.close();
  }
  console.log(`scripts and styles transferred (compressed): ${(median(runs.bytes) / 1024).toFixed(0)} kB`);
  console.log(`start page interactive: ${median(runs.start)} ms; questionnaire interactive after "start": ${median(runs.survey)} ms (median of 5)`);
} finally {
  await browser.close();
  await server.stop();
}
