// An autobahn-js peer for the interop tests (Node).
//
//   node autobahn_peer.js ROLE URL SERIALIZER REALM NAME [COUNT]
//
// Same roles and output as autobahn_peer.py: callee (prints READY), caller (prints RESULT {json}),
// subscriber (READY, then EVENT {json} per event), publisher (DONE), captures, typed_caller (calls the Rust
// typed calculator under the prefix NAME; RESULT {json}). URL is ws://..., tcp://... or
// unix:///path (autobahn-js RawSocket speaks JSON only). Needs NODE_PATH with autobahn and ws.
// Role auth and the WAMP_PEER_AUTH variable work as in autobahn_peer.py.

// autobahn-js 26 expects Node 22's global WebSocket; Node 20 gets it from `ws`.
globalThis.WebSocket = globalThis.WebSocket || require('ws');
const autobahn = require('autobahn');

const [role, url, serializerName, realm, name, countArg] = process.argv.slice(2);
const count = Number(countArg || 1);
const say = (...parts) => process.stdout.write(parts.join(' ') + '\n');
const fail = (e) => { say('ERROR', String(e && (e.error || e.message) || e)); process.exit(1); };

const serializers = {
  json: () => new autobahn.serializer.JSONSerializer(),
  msgpack: () => new autobahn.serializer.MsgpackSerializer(),
  cbor: () => new autobahn.serializer.CBORSerializer(),
};

function transport() {
  const parsed = new URL(url);
  if (parsed.protocol === 'ws:') {
    return { type: 'websocket', url, serializers: [serializers[serializerName]()] };
  }
  if (parsed.protocol === 'tcp:') {
    return { type: 'rawsocket', host: parsed.hostname, port: Number(parsed.port) };
  }
  if (parsed.protocol === 'unix:') {
    return { type: 'rawsocket', path: parsed.pathname };
  }
  throw new Error('unsupported url ' + url);
}

const options = { realm, transports: [transport()], max_retries: 0 };
const auth = process.env.WAMP_PEER_AUTH ? JSON.parse(process.env.WAMP_PEER_AUTH) : null;
if (auth) {
  const nacl = require('tweetnacl');
  const keypair = auth.seed_hex ? nacl.sign.keyPair.fromSeed(Buffer.from(auth.seed_hex, 'hex')) : null;
  options.authmethods = [auth.method];
  options.authid = auth.authid;
  if (keypair) options.authextra = { pubkey: autobahn.auth_cryptosign.public_key(keypair) };
  options.onchallenge = (session, method, extra) => {
    if (method === 'ticket') return auth.secret;
    if (method === 'wampcra') {
      const key = extra.salt
        ? autobahn.auth_cra.derive_key(auth.secret, extra.salt, extra.iterations, extra.keylen)
        : auth.secret;
      return autobahn.auth_cra.sign(key, extra.challenge);
    }
    if (method === 'cryptosign') return autobahn.auth_cryptosign.sign_challenge(keypair, extra);
    throw new Error('unexpected challenge ' + method);
  };
}
const connection = new autobahn.Connection(options);

async function callee(session) {
  await session.register(`${name}.add`, (args) => args[0] + args[1]);
  await session.register(`${name}.echo`, (args, kwargs) => new autobahn.Result(args, kwargs));
  await session.register(`${name}.progress`, (args, kwargs, details) => new Promise((resolve) => {
    const n = args[0];
    let i = 0;
    const tick = () => {
      if (i < n) {
        if (details.progress) details.progress([i]);
        i += 1;
        setTimeout(tick, 10);
      } else {
        resolve(n);
      }
    };
    tick();
  }));
  await session.register(`${name}.error`, () => {
    throw new autobahn.Error('com.example.error.custom', ['custom failure'], { code: 7 });
  });
  await session.register(`${name}.slow`, (args) => new Promise((resolve) => setTimeout(() => resolve('finished'), args[0] * 1000)));
  await session.register(`${name}.whoami`, (args, kwargs, details) => details.caller ?? null);
}

async function caller(session) {
  const out = { add: await session.call(`${name}.add`, [2, 3]) };
  const echoed = await session.call(`${name}.echo`, [1, 'two', [3]], { key: 'value' });
  out.echo = { args: echoed.args, kwargs: echoed.kwargs };
  const seen = [];
  const final = await session.call(`${name}.progress`, [3], {}, { receive_progress: true })
    .then((r) => r, (e) => { throw e; }, (p) => seen.push(p.args ? p.args[0] : p));
  out.progress = { seen, final };
  try {
    await session.call(`${name}.error`);
    out.error = null;
  } catch (e) {
    out.error = { uri: e.error, args: e.args, kwargs: e.kwargs };
  }
  return out;
}

// Calls the Rust typed service `wamp_tests::typed::Calculator` under the prefix `name`.
async function typedCaller(session) {
  const out = {
    add: await session.call(`${name}.add`, [2, 3]),
    divide: await session.call(`${name}.divide`, [], { dividend: 7, divisor: 2 }),
    norm: await session.call(`${name}.norm`, [], { x: 3.0, y: 4.0 }),
    echo_opt: (await session.call(`${name}.echo_opt`)) ?? null,
  };
  try {
    await session.call(`${name}.divide`, [9, 0]);
    out.error = null;
  } catch (e) {
    out.error = { uri: e.error, args: e.args, kwargs: e.kwargs };
  }
  const seen = [];
  const final = await session.call(`${name}.count`, [4], {}, { receive_progress: true })
    .then((r) => r, (e) => { throw e; }, (p) => seen.push(p.args ? p.args[0] : p));
  out.progress = { seen, final: final ?? null };
  out.collected = await session.call(`${name}.count`, [3]);
  return out;
}

// Calls `shelved` of the Rust `wamp_tests::shapes::Shapes` under the prefix `name` by its
// concrete URIs (typed URI captures), and publishes a `Put` with only the fields the topic does
// not carry.
async function captures(session) {
  const out = { shelved: await session.call(`${name}.shelf.top.slot.3`, [], { label: 'jam' }) };
  try {
    await session.call(`${name}.shelf.top.slot.three`);
    out.bad = null;
  } catch (e) {
    out.bad = e.error;
  }
  await session.publish(`${name}.shelf.low.slot.9.put`, [], { label: 'from js' }, { acknowledge: true });
  return out;
}

connection.onopen = async (session, details) => {
  try {
    if (role === 'callee') {
      await callee(session);
      say('READY', JSON.stringify({ session: session.id }));
    } else if (role === 'caller') {
      say('RESULT', JSON.stringify(await caller(session)));
      connection.close();
    } else if (role === 'typed_caller') {
      say('RESULT', JSON.stringify(await typedCaller(session)));
      connection.close();
    } else if (role === 'captures') {
      say('RESULT', JSON.stringify(await captures(session)));
      connection.close();
    } else if (role === 'subscriber') {
      let remaining = count;
      await session.subscribe(name, (args, kwargs) => {
        say('EVENT', JSON.stringify({ args, kwargs }));
        remaining -= 1;
        if (remaining === 0) connection.close();
      });
      say('READY', JSON.stringify({ session: session.id }));
    } else if (role === 'auth') {
      say('JOINED', JSON.stringify({ authid: details.authid, authrole: details.authrole, authmethod: details.authmethod }));
      try {
        say('CALLED', JSON.stringify({ result: await session.call(name) }));
      } catch (e) {
        say('CALLED', JSON.stringify({ error: e.error }));
      }
      connection.close();
    } else if (role === 'publisher') {
      for (let i = 0; i < count; i += 1) {
        await session.publish(name, [i, `event ${i}`], { n: i }, { acknowledge: true });
      }
      say('DONE');
      connection.close();
    }
  } catch (e) {
    fail(e);
  }
};
connection.onclose = (reason, details) => {
  const uri = details && details.reason;
  const normal = reason === 'closed' && (!uri || uri === 'wamp.close.normal' || uri === 'wamp.close.goodbye_and_out');
  if (!normal) say('ABORTED', JSON.stringify({ reason: uri || reason }));
  process.exit(normal ? 0 : 1);
};
if (role === 'callee' || role === 'subscriber') {
  // Long-running roles end when the test closes our stdin (or kills us).
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}
connection.open();
