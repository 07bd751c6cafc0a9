// Drives the service explorer (wamp-router/explorer/) in a headless chromium and checks its DOM
// against a realm where the typed calculator of interfaces/com.typed.calc.json is registered
// (the Rust service, or explorer_standin.js), then screenshots the whole page.
//
//   NODE_PATH=.../node_modules node explorer_check.js CHROMIUM EXPLORER_URL SCREENSHOT.png
//
// EXPLORER_URL carries ?realm=NAME (the page then connects at once). Something must publish
// kwargs {a, b, sum} to com.typed.calc.computed until the page shows an event (it waits 10 s).
// Prints OK, or the first check that failed (exit 1).
const puppeteer = require('puppeteer-core');

const [chromium, url, screenshot] = process.argv.slice(2);
if (!chromium || !url || !screenshot) {
  console.error('usage: node explorer_check.js CHROMIUM EXPLORER_URL SCREENSHOT.png');
  process.exit(2);
}
const TIMEOUT = 10000;

/** Waits until `predicate(arg)` holds in the page; fails with `what` and the page's state. */
async function until(page, what, predicate, arg) {
  try {
    await page.waitForFunction(predicate, { timeout: TIMEOUT, polling: 100 }, arg);
  } catch (e) {
    const status = await page.$eval('#status', (el) => el.textContent).catch(() => '?');
    throw new Error(`${what} (status: ${status})`);
  }
}

/** The procedure card of `uri`: fills its inputs, calls, and answers the outcome's text. */
async function call(page, uri, values, expected) {
  const card = `.procedure[data-uri="${uri}"]`;
  await until(page, `no form for ${uri}`, (sel) => document.querySelector(`${sel} button.call`), card);
  for (const [name, value] of Object.entries(values)) {
    const input = `${card} [data-arg="${name}"]`;
    if (!(await page.$(input))) throw new Error(`${uri} has no input ${name}`);
    await page.$eval(input, (el) => { el.value = ''; });
    await page.type(input, String(value));
  }
  await page.click(`${card} button.call`);
  const outcome = `${card} .outcome`;
  await until(page, `${uri}: no outcome starting with ${expected}`,
    ([sel, start]) => document.querySelector(sel)?.textContent.startsWith(start), [outcome, expected]);
  return page.$eval(outcome, (el) => el.textContent);
}

async function main() {
  const browser = await puppeteer.launch({
    executablePath: chromium,
    args: ['--no-sandbox', '--headless=new'],
    defaultViewport: { width: 1500, height: 1000 },
  });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(url, { waitUntil: 'load' });

    await until(page, 'status never "connected"', () => document.querySelector('#status')?.textContent === 'connected');
    await until(page, 'no session row', () => document.querySelector('#sessions tr[data-session]'));
    await until(page, 'no registration row com.typed.calc.add',
      () => document.querySelector('#registrations tr[data-uri="com.typed.calc.add"]'));

    const sum = await call(page, 'com.typed.calc.add', { a: 2, b: 3 }, 'RESULT ');
    if (!/^RESULT \[5\]/.test(sum)) throw new Error(`add(2, 3): expected RESULT [5], got ${sum}`);

    const division = await call(page, 'com.typed.calc.divide', { dividend: 9, divisor: 0 }, 'ERROR ');
    if (!division.includes('com.typed.error.divide_by_zero')) {
      throw new Error(`divide(9, 0): expected com.typed.error.divide_by_zero, got ${division}`);
    }
    if (!/declared error \S*DivideByZero/.test(division)) {
      throw new Error(`divide(9, 0): the declared error is not named: ${division}`);
    }

    const topic = '.topic[data-uri="com.typed.calc.computed"]';
    await until(page, 'no topic card com.typed.calc.computed', (sel) => document.querySelector(`${sel} button.subscribe`), topic);
    await page.click(`${topic} button.subscribe`);
    await until(page, 'no event shown for com.typed.calc.computed',
      (sel) => [...document.querySelectorAll(`${sel} .events li`)].some((li) => li.textContent.includes('"sum":')), topic);

    // The page's own subscription shows up in the realm's table (the meta events refresh it).
    await until(page, 'no subscription row com.typed.calc.computed',
      () => document.querySelector('#subscriptions tr[data-uri="com.typed.calc.computed"]'));

    if (errors.length) throw new Error(`errors in the page: ${errors.join('; ')}`);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log('OK');
  } finally {
    await browser.close();
  }
}

main().catch((e) => {
  console.error(`FAILED: ${e.message}`);
  process.exit(1);
});
