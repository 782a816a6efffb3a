// Harness of the end-to-end test: the real `survey serve` binary on loopback with a fresh data
// directory, Debian's Chromium driven by playwright-core, axe-core on every page, and checks of
// downloaded PDFs (pdftotext) and workbooks (their zip entries).
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
// The flags this machine's closed network needs (see the env notes): no background traffic.
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Where screenshots and downloads go. */
export const SHOTS = new URL('./shots/', import.meta.url).pathname;
mkdirSync(SHOTS, { recursive: true });
export const DESKTOP = { viewport: { width: 1280, height: 900 }, locale: 'ja-JP', acceptDownloads: true };
export const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'ja-JP' };

/** Reports a step of a test. */
export const step = (msg) => console.log(`• ${msg}`);

/** Skip outside CI when a tool is missing; in CI (CI=true) a missing tool fails the test. */
export function requireTool(path, what) {
  if (existsSync(path)) return true;
  const msg = `${what} not found at ${path} (Debian package ${what === 'chromium' ? 'chromium' : 'poppler-utils'})`;
  if (process.env.CI === 'true') {
    console.error(`FAIL: ${msg}; CI needs it`);
    process.exit(1);
  }
  console.log(`SKIP: ${msg}`);
  return false;
}

/**
 * Starts the server binary on a free loopback port; resolves with its base URL and a stop
 * function. seed, if given, runs first with a function that runs the binary's other commands
 * (`chamber create`, `user create`) on the same fresh data directory and returns their output.
 */
export async function startServer(bin, seed) {
  const dataDir = mkdtempSync(join(tmpdir(), 'esready-e2e-'));
  const env = { ...process.env, SURVEY_LOG_LEVEL: 'warn', SURVEY_PEER_K: '10', SURVEY_DATA_DIR: dataDir };
  if (seed) await seed((...args) => execFileSync(bin, args, { env, encoding: 'utf8' }));
  const child = spawn(bin, ['serve', '--addr', '127.0.0.1:0', '--data-dir', dataDir], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 30 s:\n${stderr}`)), 30000);
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /running at (http:\/\/\S+\/)/.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited (${code}):\n${stderr}`)); });
  });
  const stop = async () => {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { url, stop, logs: () => stderr };
}

export async function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/**
 * The pages a test opens: open gives a new context's page, with that page's script errors;
 * errors holds every page's, csp every Content-Security-Policy report; current is the page in
 * use, for a screenshot when a step fails.
 */
export function pageTracker() {
  const pages = {
    current: undefined,
    errors: [],
    csp: [],
    async open(browser, opts = DESKTOP) {
      const ctx = await browser.newContext(opts);
      const page = await ctx.newPage();
      pages.current = page;
      const errors = [];
      page.on('pageerror', (e) => {
        errors.push(e.message);
        pages.errors.push(e.message);
      });
      page.on('console', (m) => {
        if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) pages.csp.push(m.text());
      });
      return { ctx, page, errors };
    },
  };
  return pages;
}

/**
 * Runs a browser test against a fresh server of bin (seed as for startServer): body gets the
 * server and the browser. Prints PASS: name; on a failure, FAIL with the stack, a screenshot of
 * the page in use (pages.current, pages a pageTracker) and the server's last log lines, and
 * exit code 1.
 */
export async function browserTest({ bin, name, pages, seed }, body) {
  const server = await startServer(bin, seed);
  const browser = await launchBrowser();
  try {
    await body({ server, browser });
    console.log(`PASS: ${name}`);
  } catch (e) {
    console.error(`FAIL: ${e.stack || e}`);
    await pages.current?.screenshot({ path: join(SHOTS, 'failure.png'), fullPage: true }).catch(() => {});
    console.error(`screenshot of the page: ${join(SHOTS, 'failure.png')}`);
    console.error(server.logs().slice(-4000));
    process.exitCode = 1;
  } finally {
    await browser.close();
    await server.stop();
  }
}

/** Saves what clicking testid downloads to SHOTS; returns its path. */
export async function downloadOf(page, testid, timeout = 20000) {
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout }), page.getByTestId(testid).click()]);
  const file = join(SHOTS, dl.suggestedFilename());
  await dl.saveAs(file);
  return file;
}

/** Runs axe-core (WCAG 2.1 A and AA rules) on the page and throws on any violation. */
export async function expectAccessible(page, where) {
  const res = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  if (res.violations.length > 0) {
    const lines = res.violations.map((v) => `  ${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')}`);
    throw new Error(`axe-core found ${res.violations.length} violation(s) on ${where}:\n${lines.join('\n')}`);
  }
  return res.passes.length;
}

/** The text of a PDF file, read back with pdftotext. Throws when the file is not a PDF. */
export function pdfText(path) {
  const head = readFileSync(path).subarray(0, 5).toString('latin1');
  if (head !== '%PDF-') throw new Error(`${path} is not a PDF (starts with ${JSON.stringify(head)})`);
  return execFileSync('pdftotext', ['-layout', path, '-'], { encoding: 'utf8' });
}

/** The entry names of an XLSX (a zip) file, read from its central directory. */
export function xlsxEntries(path) {
  const b = readFileSync(path);
  if (b.readUInt32LE(0) !== 0x04034b50) throw new Error(`${path} is not a zip file`);
  const names = [];
  for (let i = b.length - 22; i >= 0; i--) {
    if (b.readUInt32LE(i) !== 0x06054b50) continue;
    let p = b.readUInt32LE(i + 16);
    const n = b.readUInt16LE(i + 10);
    for (let k = 0; k < n; k++) {
      const len = b.readUInt16LE(p + 28), extra = b.readUInt16LE(p + 30), comment = b.readUInt16LE(p + 32);
      names.push(b.subarray(p + 46, p + 46 + len).toString('utf8'));
      p += 46 + len + extra + comment;
    }
    break;
  }
  return names;
}

export function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}
