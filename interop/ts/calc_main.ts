// Calls the Rust typed calculator (`wamp_tests::typed::Calc`) through the TypeScript client that
// wamp-codegen generates from interfaces/com.typed.calc.json (copied next to this file as
// calc.ts); the calls are `run` in calc_run.ts. Compiled with `tsc --strict`, run by node:
// node calc_main.js URL REALM. Prints one line: RESULT {json}, or ERROR message.

import { WampJsonSerializer, WampSession } from "./calc";
import { run } from "./calc_run";

declare const require: (name: string) => any;
declare const process: { argv: string[]; exit(code: number): never; stdout: { write(s: string): void } };

const g = globalThis as { WebSocket?: unknown };
g.WebSocket = g.WebSocket || require("ws");
const autobahn = require("autobahn");
const [url, realm] = process.argv.slice(2);

const connection = new autobahn.Connection({
  transports: [{ type: "websocket", url, serializers: [new WampJsonSerializer()] }],
  realm,
  max_retries: 0,
});
connection.onopen = (session: WampSession) => {
  run(session).then(
    (out) => {
      process.stdout.write("RESULT " + JSON.stringify(out) + "\n");
      connection.close();
      process.exit(0);
    },
    (e: unknown) => {
      process.stdout.write("ERROR " + String(e instanceof Error ? e.message : JSON.stringify(e)) + "\n");
      process.exit(1);
    },
  );
};
connection.onclose = (reason: string) => {
  process.stdout.write("ERROR closed " + reason + "\n");
  process.exit(1);
};
connection.open();
