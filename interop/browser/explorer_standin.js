// A stand-in for the Rust typed calculator (`interfaces/com.typed.calc.json`), written with
// autobahn-js, for developing and demonstrating the service explorer (wamp-router/explorer/)
// without building the Rust services.
//
//   NODE_PATH=.../node_modules node explorer_standin.js URL REALM [PUBLISH_MS]
//
// It registers every procedure of the description the way a `#[wamp_service]` does (REGISTER
// options `_interface: "com.typed.calc.describe"` and `_description`, so that the router's
// reflection sees them), `com.typed.calc.describe` answering the document as args[0], and
// publishes `com.typed.calc.computed` after every `add` (and every PUBLISH_MS ms when given:
// kwargs {a: 40, b: 2, sum: 42}). Prints READY once everything is registered.

// autobahn-js 26 expects Node 22's global WebSocket; Node 20 gets it from `ws`.
globalThis.WebSocket = globalThis.WebSocket || require('ws');
const autobahn = require('autobahn');
const fs = require('fs');
const path = require('path');

const [url, realm = 'realm1', publishMs] = process.argv.slice(2);
if (!url) {
  console.error('usage: node explorer_standin.js URL REALM [PUBLISH_MS]');
  process.exit(2);
}
const documentPath = path.join(__dirname, '..', '..', 'interfaces', 'com.typed.calc.json');
const document = JSON.parse(fs.readFileSync(documentPath, 'utf8'));
const service = document.services[0];
const interfaceUri = `${service.prefix}.describe`;

const fail = (uri, args, kwargs) => { throw new autobahn.Error(uri, args || [], kwargs || {}); };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const I64_MAX = 2n ** 63n - 1n;

// The handlers, by procedure name (autobahn-js calls them with (args, kwargs, details)).
function handlers(session) {
  return {
    add: ([a, b]) => {
      const sum = BigInt(a) + BigInt(b);
      if (sum > I64_MAX || sum < -I64_MAX - 1n) fail('com.typed.error.overflow');
      session.publish(`${service.prefix}.computed`, [], { a, b, sum: Number(sum) });
      return Number(sum);
    },
    divide: (args, { dividend, divisor } = {}) => {
      if (divisor === 0) fail('com.typed.error.divide_by_zero', [], { dividend });
      return Math.trunc(dividend / divisor);
    },
    norm: (args, { x, y } = {}) => Math.hypot(x, y),
    count: async ([to], kwargs, details) => {
      if (to > 1000) fail('com.typed.error.too_long', [1000]);
      for (let i = 1; i < to; i += 1) {
        if (details.progress) details.progress([i]);
        await sleep(100);
      }
      return to;
    },
    ticks: async ([intervalMs], kwargs, details) => {
      for (let i = 1; i <= 600; i += 1) {
        await sleep(Math.max(10, intervalMs));
        if (details.progress) details.progress([i]);
      }
      return null;
    },
    whoami: (args, kwargs, details) => (details.caller_authid ?? null),
    any: ([tag], kwargs, details) => `${details.procedure} ${tag}`,
    sleep: async ([ms]) => { await sleep(ms); return null; },
    nothing: () => null,
    worker: () => 'stand-in',
    echo: ([text] = []) => text ?? null,
  };
}

const connection = new autobahn.Connection({
  realm,
  transports: [{ type: 'websocket', url, serializers: [new autobahn.serializer.JSONSerializer()] }],
  max_retries: 0,
});

connection.onopen = async (session) => {
  try {
    const byName = handlers(session);
    await session.register(interfaceUri, () => new autobahn.Result([document]), {
      _interface: interfaceUri,
      _description: 'The service description.',
      invoke: 'roundrobin',
    });
    for (const procedure of service.procedures) {
      const options = { _interface: interfaceUri, _description: (procedure.docs || '').split('\n')[0] };
      if (procedure.match) options.match = procedure.match;
      if (procedure.invoke) options.invoke = procedure.invoke;
      if (procedure.disclose_caller) options.disclose_caller = true;
      await session.register(procedure.uri, byName[procedure.name], options);
    }
    if (publishMs) {
      setInterval(() => {
        session.publish(`${service.prefix}.computed`, [], { a: 40, b: 2, sum: 42 });
      }, Number(publishMs));
    }
    console.log('READY');
  } catch (e) {
    console.error('ERROR', e && (e.error || e.message) || e);
    process.exit(1);
  }
};
connection.onclose = (reason, details) => {
  console.error('CLOSED', reason, details && details.reason || '');
  process.exit(1);
};
connection.open();
