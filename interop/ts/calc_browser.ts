// The browser entry: the same calls as calc_main.ts (`run` in calc_run.ts), made from a web page
// (interop/browser/calc.html, driven in headless Chromium by interop/browser/drive.js) over the
// browser's own WebSocket. Bundled with autobahn-js by interop/browser/bundle.sh. The page is
// opened as calc.html?url=ws://HOST:PORT/&realm=REALM; the outcome is published as
// `window.wampOutcome` ({result} or {error}) and written into <pre id="outcome"> as
// `RESULT {json}` or `ERROR message`.

import { WampJsonSerializer, WampSession } from "./calc";
import { run } from "./calc_run";

// autobahn-js has no type declarations; esbuild bundles this require.
declare const require: (name: string) => any;
const autobahn = require("autobahn");

type Outcome = { result: { [key: string]: unknown } } | { error: string };

let settled = false;
function publish(outcome: Outcome): void {
  if (settled) return;
  settled = true;
  (window as any).wampOutcome = outcome;
  const pre = document.getElementById("outcome");
  const line = "result" in outcome ? "RESULT " + JSON.stringify(outcome.result) : "ERROR " + outcome.error;
  if (pre !== null) pre.textContent = line;
}

function message(e: unknown): string {
  if (e instanceof Error) return e.message;
  try {
    return JSON.stringify(e) ?? String(e);
  } catch {
    return String(e);
  }
}

const params = new URLSearchParams(location.search);
const url = params.get("url");
const realm = params.get("realm");
if (url === null || realm === null) {
  publish({ error: "the page needs ?url=ws://…&realm=…" });
} else {
  try {
    const connection = new autobahn.Connection({
      transports: [{ type: "websocket", url, serializers: [new WampJsonSerializer()] }],
      realm,
      max_retries: 0,
    });
    connection.onopen = (session: WampSession) => {
      run(session).then(
        (out) => {
          publish({ result: out });
          connection.close();
        },
        (e: unknown) => publish({ error: message(e) }),
      );
    };
    connection.onclose = (reason: string, details: unknown) => {
      publish({ error: "closed " + reason + " " + message(details) });
    };
    connection.open();
  } catch (e) {
    publish({ error: message(e) });
  }
}
