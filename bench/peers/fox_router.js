// fox-wamp (npm, pinned 0.7.28) as a WAMP router for the benchmarks.
//
//   NODE_PATH=/tmp/fox/node_modules node fox_router.js PORT
//
// Listens on ws://127.0.0.1:PORT/ws, prints `READY ws://127.0.0.1:PORT/ws` once listening, and
// exits when stdin closes or on SIGTERM/SIGINT. Any realm name of [a-z0-9_]+ is accepted
// (realm1 is created up front), anonymous auth (no auth handler), WebSocket subprotocol
// wamp.2.json only: fox-wamp has no msgpack/cbor WAMP serializer and no RawSocket.
// Install: npm install --save-exact fox-wamp@0.7.28 (sqlite3's native build is not needed for this router).

const FoxRouter = require('fox-wamp');

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  console.error('usage: node fox_router.js PORT');
  process.exit(2);
}

// fox-wamp console.log()s protocol complaints (e.g. a refused wamp.2.msgpack): keep stdout for READY.
console.log = console.error;


const router = new FoxRouter();
router.getRealm('realm1').then(() => {
  const server = router.listenWAMP({ host: '127.0.0.1', port, path: '/ws' });
  server.on('listening', () => process.stdout.write(`READY ws://127.0.0.1:${port}/ws\n`));
  server.on('error', (e) => {
    console.error('fox-wamp: ' + e.message);
    process.exit(1);
  });
});

// A HELLO whose realm has characters outside [a-z0-9_] (e.g. `com.example`) makes fox-wamp's
// async getRealm() reject unhandled, which would kill the router: log it and keep serving
// (that client then gets neither WELCOME nor ABORT).
process.on('unhandledRejection', (e) => console.error('fox-wamp: unhandled rejection: ' + e));

const stop = () => process.exit(0);
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
