// Opens a page in headless Chromium and waits for the outcome it publishes as
// `window.wampOutcome` ({result} or {error}; see interop/ts/calc_browser.ts).
//   NODE_PATH=<npm folder with puppeteer-core> node drive.js <chromium> <page-url> [timeout-ms]
// Prints one line `RESULT {json}` and exits 0, or prints `ERROR ...` and exits 1. The page's
// console errors and uncaught errors go to stderr. The browser is always closed.

"use strict";

const puppeteer = require("puppeteer-core");

async function main() {
  const [executablePath, url, timeoutArg] = process.argv.slice(2);
  if (!executablePath || !url) {
    throw new Error("usage: node drive.js <chromium> <page-url> [timeout-ms]");
  }
  const timeout = timeoutArg === undefined ? 30000 : Number(timeoutArg);
  if (!Number.isFinite(timeout) || timeout <= 0) throw new Error(`bad timeout ${timeoutArg}`);
  const browser = await puppeteer.launch({
    executablePath,
    headless: true,
    args: ["--no-sandbox", "--headless=new"],
  });
  try {
    const page = await browser.newPage();
    page.on("console", (msg) => {
      if (msg.type() === "error") process.stderr.write(`page console: ${msg.text()}\n`);
    });
    page.on("pageerror", (err) => {
      process.stderr.write(`page error: ${err && err.message ? err.message : String(err)}\n`);
    });
    page.on("requestfailed", (req) => {
      const failure = req.failure();
      const why = failure ? failure.errorText : "";
      process.stderr.write(`page request failed: ${req.url()} ${why}\n`);
    });
    const response = await page.goto(url, { waitUntil: "load", timeout });
    if (response && !response.ok()) throw new Error(`${url}: HTTP ${response.status()}`);
    await page.waitForFunction(() => window.wampOutcome !== undefined, { timeout, polling: 50 });
    const outcome = await page.evaluate(() => window.wampOutcome);
    if (outcome && "result" in outcome) {
      process.stdout.write("RESULT " + JSON.stringify(outcome.result) + "\n");
      return 0;
    }
    const error = outcome && "error" in outcome ? outcome.error : JSON.stringify(outcome);
    process.stdout.write("ERROR " + error + "\n");
    return 1;
  } finally {
    await browser.close();
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stdout.write("ERROR " + (e && e.message ? e.message : String(e)) + "\n");
    process.exit(1);
  },
);
