// wamp-server (npm, pinned 0.0.9; bundles ws 6.0.0) as a WAMP router for the benchmarks.
//
//   NODE_PATH=/tmp/fox/node_modules node wamp_server_router.js PORT
//
// Listens on ws://127.0.0.1:PORT/ws, prints `READY ws://127.0.0.1:PORT/ws` once listening, and
// exits when stdin closes or on SIGTERM/SIGINT. Realm `realm1` only, anonymous, JSON only (it
// checks no subprotocol: a client asking wamp.2.msgpack gets it agreed, then JSON frames).
// Its own Server class binds every interface ({port} only), so this wires its SessionManager to
// a ws server on 127.0.0.1 exactly as that class does. WELCOME roles are `broker: {}, dealer: {}`.
// Install: npm install --save-exact wamp-server@0.0.9

const path = require('path');
const sessions = require('wamp-server/release/session-manager').default;
// The ws that wamp-server itself loads (6.0.0, nested or hoisted).
const ws = require(require.resolve('ws', { paths: [path.dirname(require.resolve('wamp-server'))] }));

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  console.error('usage: node wamp_server_router.js PORT');
  process.exit(2);
}


sessions.registerRealms(['realm1']);
const server = new ws.Server({ host: '127.0.0.1', port, path: '/ws' });
server.on('connection', sessions.createSession);
server.on('listening', () => process.stdout.write(`READY ws://127.0.0.1:${port}/ws\n`));
server.on('error', (e) => {
  console.error('wamp-server: ' + e.message);
  process.exit(1);
});

const stop = () => process.exit(0);
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
