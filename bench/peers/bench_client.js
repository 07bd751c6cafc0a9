// The benchmark workloads with autobahn-js (Node), as wamp-bench runs them with our client.
//
//   node bench_client.js rpc    URL REALM IN_FLIGHT WARMUP_MS DURATION_MS
//   node bench_client.js pubsub URL REALM IN_FLIGHT WARMUP_MS DURATION_MS
//
// Same workloads and output as bench_client.py: RESULT {"ops", "secs", "cpu_secs", "p50_us",
// "p99_us"} for the measured window, CPU from process.cpuUsage() (user + system); a failure
// prints ERROR and exits 1. Needs NODE_PATH with autobahn and ws; the serializer is JSON.

// autobahn-js 26 expects Node 22's global WebSocket; Node 20 gets it from `ws`.
globalThis.WebSocket = globalThis.WebSocket || require('ws');
const autobahn = require('autobahn');

const TOPIC = 'bench.topic';
const [workload, url, realm, depthArg, warmupArg, durationArg] = process.argv.slice(2);
const depth = Number(depthArg);
const warmup = Number(warmupArg) / 1000;
const duration = Number(durationArg) / 1000;

const now = () => Number(process.hrtime.bigint()) / 1e9;
const cpuSecs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const fail = (e) => {
  process.stdout.write('ERROR ' + String((e && (e.error || e.message)) || e) + '\n');
  process.exit(1);
};

function connect() {
  return new Promise((resolve, reject) => {
    const connection = new autobahn.Connection({
      realm,
      transports: [{ type: 'websocket', url, serializers: [new autobahn.serializer.JSONSerializer()] }],
      max_retries: 0,
    });
    connection.onopen = (session) => resolve({ connection, session });
    connection.onclose = (reason) => {
      reject(new Error('connection closed: ' + reason));
      return true;
    };
    connection.open();
  });
}

function quantile(values, q) {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.round((sorted.length - 1) * q))];
}

function result(ops, cpu, latencies) {
  return { ops, secs: duration, cpu_secs: cpu, p50_us: quantile(latencies, 0.5) * 1e6, p99_us: quantile(latencies, 0.99) * 1e6, extra: {} };
}

const sleepUntil = (t) => new Promise((r) => setTimeout(r, Math.max(0, (t - now()) * 1000)));

async function cpuInWindow(start, end) {
  await sleepUntil(start);
  const c0 = cpuSecs();
  await sleepUntil(end);
  return cpuSecs() - c0;
}

async function rpc() {
  const { connection, session } = await connect();
  const start = now() + warmup;
  const end = start + duration;
  const latencies = [];
  let ops = 0;
  async function lane(seq) {
    for (;;) {
      const a = seq % 1000;
      const t0 = now();
      const got = await session.call('bench.add', [a, 1]);
      const t1 = now();
      if (got !== a + 1) throw new Error(`bench.add(${a}, 1) gave ${got}`);
      seq += depth;
      if (t0 >= start && t1 <= end) {
        ops += 1;
        latencies.push(t1 - t0);
      }
      if (t1 >= end) return;
    }
  }
  const lanes = [];
  for (let i = 0; i < depth; i++) lanes.push(lane(i));
  const [cpu] = await Promise.all([cpuInWindow(start, end), ...lanes]);
  connection.close();
  return result(ops, cpu, latencies);
}

async function pubsub() {
  const pub = await connect();
  const sub = await connect();
  const start = now() + warmup;
  const end = start + duration;
  const latencies = [];
  let received = 0;
  let wake = null;
  await sub.session.subscribe(TOPIC, ([seq, sent]) => {
    const t = now();
    if (t >= start && t <= end) latencies.push(t - sent);
    received = seq + 1;
    if (wake) {
      const w = wake;
      wake = null;
      w();
    }
  });
  let seq = 0;
  let first = null;
  let cpu0 = 0;
  let last = 0;
  for (;;) {
    while (seq >= received + depth) {
      await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no event received for 10 s')), 10000);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    const t = now();
    if (first === null && t >= start) {
      first = received;
      cpu0 = cpuSecs();
    }
    if (t >= end) {
      last = received;
      break;
    }
    pub.session.publish(TOPIC, [seq, t]);
    seq += 1;
    // publish() only queues the frame: let the socket write and the events come in.
    if (seq % depth === 0) await new Promise((r) => setImmediate(r));
  }
  const cpu = cpuSecs() - cpu0;
  pub.connection.close();
  sub.connection.close();
  return result(last - first, cpu, latencies);
}

const run = { rpc, pubsub }[workload];
if (!run) fail('unknown workload ' + workload);
run()
  .then((out) => {
    process.stdout.write('RESULT ' + JSON.stringify(out) + '\n');
    setTimeout(() => process.exit(0), 50);
  })
  .catch(fail);
