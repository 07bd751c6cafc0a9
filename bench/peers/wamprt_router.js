// wamp.rt (npm, pinned 0.2.0, Orange; bundles ws 0.8.0) as a WAMP router for the benchmarks.
//
//   NODE_PATH=/tmp/fox/node_modules node wamprt_router.js PORT
//
// Listens on ws://127.0.0.1:PORT/ws, prints `READY ws://127.0.0.1:PORT/ws` once listening, and
// exits when stdin closes or on SIGTERM/SIGINT. wamp.rt has no realms (any name is welcomed, all
// sessions share one namespace), no auth (anonymous), WebSocket wamp.2.json only (other
// subprotocols get HTTP 401). Its WELCOME announces only `dealer: {}`, no broker, no features.
// Install: npm install --save-exact wamp.rt@0.2.0

const http = require('http');
const Router = require('wamp.rt');

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  console.error('usage: node wamprt_router.js PORT');
  process.exit(2);
}


const server = http.createServer((req, res) => res.writeHead(404).end());
new Router({ server, path: '/ws' });
server.on('error', (e) => {
  console.error('wamp.rt: ' + e.message);
  process.exit(1);
});
server.listen(port, '127.0.0.1', () => process.stdout.write(`READY ws://127.0.0.1:${port}/ws\n`));

const stop = () => process.exit(0);
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
