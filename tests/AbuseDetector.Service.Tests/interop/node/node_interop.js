// Node's @grpc/grpc-js (a gRPC implementation independent of ours and of C-core) against the real service.
// Usage: node node_interop.js HOST:PORT PROTOS_DIR SCENARIO
// Prints "ok" and exits 0 when the scenario behaves as expected; exits 1 with the reason otherwise; exits 3 when the
// npm packages are missing (tests/run.sh installs them with npm ci).
'use strict';

let grpc, protoLoader;
try {
  grpc = require('@grpc/grpc-js');
  protoLoader = require('@grpc/proto-loader');
} catch (missing) {
  console.log(`${missing.message}: run 'npm ci' in ${__dirname} (tests/run.sh does this).`);
  process.exit(3);
}

const [address, protosDir, scenario] = process.argv.slice(2);
const loadOptions = { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true, includeDirs: [protosDir] };
const v1 = grpc.loadPackageDefinition(protoLoader.loadSync('abuse_detector/v1/abuse_detector.proto', loadOptions)).abuse_detector.v1;
// grpc.health.v1's two messages are tiny: written and read by hand here, so the test needs no copy of health.proto.
const passThrough = (bytes) => bytes;
const HealthClient = grpc.makeGenericClientConstructor({
  Check: { path: '/grpc.health.v1.Health/Check', requestStream: false, responseStream: false,
    requestSerialize: passThrough, requestDeserialize: passThrough, responseSerialize: passThrough, responseDeserialize: passThrough },
}, 'Health');
const SERVING = Buffer.from([0x08, 0x01]); // HealthCheckResponse { status: SERVING (1) }
const TENANT = 'node-interop';
const ABUSIVE = "you're a useless idiot";
const CALM = 'hello I am calling about my bill';

function fail(message) {
  console.log(message);
  process.exit(1);
}

function client(options = {}) {
  return new v1.AbuseDetector(address, grpc.credentials.createInsecure(), options);
}

function deadlineIn(ms) {
  return new Date(Date.now() + ms);
}

function callId() {
  return `node-${process.pid}-${Math.random().toString(16).slice(2)}`;
}

function start(id, agent = 'agent-1') {
  return { start: { call_id: id, tenant_id: TENANT, agent_id: agent, team_id: 'team-1' } };
}

function chunk(seq, text) {
  return { chunk: { seq, speaker: 'CUSTOMER', text, is_final: true } };
}

function expectInsult(response, where) {
  const insult = response.scores.find((s) => s.category === 'INSULT');
  if (!insult || !insult.flagged) fail(`${where}: INSULT was not flagged: ${JSON.stringify(response.scores)}`);
}

const scenarios = {
  classify: () => new Promise((resolve) => {
    client().Classify({ text: ABUSIVE }, { deadline: deadlineIn(10000) }, (error, response) => {
      if (error) fail(`Classify failed: ${error.code} ${error.details}`);
      if (response.scores.length !== 6) fail(`expected 6 scores, got ${response.scores.length}`);
      expectInsult(response, 'classify');
      resolve();
    });
  }),

  gzip: () => new Promise((resolve) => {
    const text = Array(100).fill(ABUSIVE).join(' ');
    client({ 'grpc.default_compression_algorithm': 2 }).Classify({ text }, { deadline: deadlineIn(10000) }, (error, response) => {
      if (error) fail(`gzip Classify failed: ${error.code} ${error.details}`);
      expectInsult(response, 'gzip');
      resolve();
    });
  }),

  stream: () => new Promise((resolve) => {
    const count = 200;
    const call = client().StreamCall({ deadline: deadlineIn(60000) });
    const updates = [];
    call.on('data', (update) => updates.push(update));
    call.on('error', (error) => fail(`StreamCall failed: ${error.code} ${error.details}`));
    call.on('end', () => {
      updates.forEach((u, i) => { if (u.seq !== i + 1) fail(`update ${i + 1} has seq ${u.seq}`); });
      const assessed = updates.filter((u) => u.update === 'assessment');
      if (assessed.length !== count) fail(`expected ${count} assessments, got ${assessed.length}`);
      assessed.forEach((u, i) => { if (u.assessment.seq !== i + 1) fail(`assessment ${i + 1} answers chunk ${u.assessment.seq}`); });
      if (!updates.some((u) => u.update === 'escalation')) fail('100 insults raised no escalation change');
      resolve();
    });
    call.write(start(callId()));
    for (let seq = 1; seq <= count; seq++) call.write(chunk(seq, seq % 2 ? CALM : ABUSIVE));
    call.write({ end: { reason: 'CALL_END_REASON_COMPLETED' } });
    call.end();
  }),

  deadline: () => new Promise((resolve) => {
    // grpc-timeout goes as plain metadata, with no deadline option: grpc-js runs no timer of its own, so only the
    // service can end this call.
    const metadata = new grpc.Metadata();
    metadata.set('grpc-timeout', '500m');
    const call = client().StreamCall(metadata);
    call.on('data', () => {});
    call.on('error', (error) => {
      if (error.code !== grpc.status.DEADLINE_EXCEEDED) fail(`expected DEADLINE_EXCEEDED, got ${error.code} ${error.details}`);
      resolve();
    });
    call.on('status', (status) => { if (status.code === grpc.status.OK) fail('a call held open past its deadline ended with OK'); });
    call.write(start(callId()));
  }),

  cancel: () => new Promise((resolve) => {
    const call = client().StreamCall();
    call.on('data', () => call.cancel());
    call.on('error', (error) => {
      if (error.code !== grpc.status.CANCELLED) fail(`expected CANCELLED, got ${error.code}`);
      resolve();
    });
    call.write(start(callId()));
    call.write(chunk(1, CALM));
  }),

  unknown: () => new Promise((resolve) => {
    const raw = new grpc.Client(address, grpc.credentials.createInsecure());
    raw.makeUnaryRequest('/abuse_detector.v1.AbuseDetector/Nope', (x) => x, (x) => x, Buffer.alloc(0), (error) => {
      if (!error || error.code !== grpc.status.UNIMPLEMENTED) fail(`expected UNIMPLEMENTED, got ${error && error.code}`);
      resolve();
    });
  }),

  metadata: () => new Promise((resolve) => {
    const metadata = new grpc.Metadata();
    metadata.add('x-request-id', 'node-123');
    metadata.add('x-trace-bin', Buffer.from([0, 1, 2, 254, 255]));
    const call = client().Classify({ text: CALM }, metadata, { deadline: deadlineIn(10000) }, (error, response) => {
      if (error) fail(`Classify with metadata failed: ${error.code} ${error.details}`);
      if (response.scores.length !== 6) fail('expected 6 scores');
    });
    call.on('status', (status) => {
      if (status.code !== grpc.status.OK) fail(`status ${status.code}`);
      resolve();
    });
  }),

  bad_chunk: () => new Promise((resolve) => {
    const call = client().StreamCall({ deadline: deadlineIn(10000) });
    call.on('data', (update) => fail(`a chunk before CallStart was answered: ${JSON.stringify(update)}`));
    call.on('error', (error) => {
      if (error.code !== grpc.status.FAILED_PRECONDITION || !error.details) fail(`expected FAILED_PRECONDITION with a message, got ${error.code} ${error.details}`);
      resolve();
    });
    call.write(chunk(1, CALM));
    call.end();
  }),

  health: () => new Promise((resolve) => {
    // An empty HealthCheckRequest (service "": the server as a whole) is zero bytes.
    new HealthClient(address, grpc.credentials.createInsecure()).Check(Buffer.alloc(0), { deadline: deadlineIn(10000) }, (error, response) => {
      if (error) fail(`Health.Check failed: ${error.code} ${error.details}`);
      if (!SERVING.equals(response)) fail(`expected SERVING (08 01), got ${response.toString('hex')}`);
      resolve();
    });
  }),

  watch_alerts: () => new Promise((resolve) => {
    const agent = `agent-${Math.random().toString(16).slice(2, 10)}`;
    const id = callId();
    const watch = client().WatchAlerts({ tenant_id: TENANT, agent_id: agent });
    const levels = [];
    watch.on('metadata', () => {
      // The watch is in place: run a call that escalates four times.
      const call = client().StreamCall({ deadline: deadlineIn(30000) });
      call.on('data', () => {});
      call.on('error', (error) => fail(`StreamCall failed: ${error.code} ${error.details}`));
      call.write(start(id, agent));
      for (let seq = 1; seq <= 4; seq++) call.write(chunk(seq, ABUSIVE));
      call.write({ end: { reason: 'CALL_END_REASON_COMPLETED' } });
      call.end();
    });
    watch.on('data', (alert) => {
      if (alert.call_id !== id || alert.kind !== 'ALERT_KIND_LEVEL_CHANGED' || !alert.recommended_script) fail(`unexpected alert ${JSON.stringify(alert)}`);
      levels.push(alert.level);
      if (levels.length === 4) {
        const expected = ['ESCALATION_LEVEL_NOTICE', 'ESCALATION_LEVEL_WARNING', 'ESCALATION_LEVEL_FINAL_WARNING', 'ESCALATION_LEVEL_END_CALL_PERMITTED'];
        if (JSON.stringify(levels) !== JSON.stringify(expected)) fail(`levels ${levels}`);
        watch.cancel();
        resolve();
      }
    });
    watch.on('error', (error) => { if (error.code !== grpc.status.CANCELLED) fail(`WatchAlerts failed: ${error.code} ${error.details}`); });
  }),
};

if (!scenarios[scenario]) fail(`unknown scenario ${scenario}`);
const guard = setTimeout(() => fail(`scenario ${scenario} did not finish within 60 s`), 60000);
scenarios[scenario]().then(() => {
  clearTimeout(guard);
  console.log('ok');
  process.exit(0);
});
