"""python3-grpcio client for the service's interop tests: the real AbuseDetector service, called from C-core gRPC.

Usage: python3 service_interop.py HOST:PORT GENERATED_DIR SCENARIO
GENERATED_DIR holds the message classes protoc wrote with
  protoc --python_out=GENERATED_DIR -I protos protos/abuse_detector/v1/abuse_detector.proto
Exits 0 and prints "ok" when the scenario behaves as expected; exits 1 with the reason otherwise;
exits 3 when python3-grpcio or python3-protobuf is not installed.
"""
import queue
import sys
import time
import uuid

try:
    import grpc
    import google.protobuf  # noqa: F401  (the generated classes need it)
except ImportError as missing:
    print("%s: run 'apt-get install -y python3-grpcio python3-protobuf protobuf-compiler' (tests/run.sh does this)." % missing)
    sys.exit(3)

SERVICE = "/abuse_detector.v1.AbuseDetector/"
TENANT = "interop-tenant"
CALM = "hello I am calling about my bill"
ABUSIVE = "you're a useless idiot"
MAX_RECEIVE = 4 * 1024 * 1024  # GrpcServerOptions.MaxReceiveMessageSize default

pb = None  # abuse_detector_pb2, imported in main() from GENERATED_DIR


def fail(message):
    print(message)
    sys.exit(1)


def expect_code(error, code):
    if error.code() != code:
        fail("expected %s, got %s: %s" % (code, error.code(), error.details()))


def classify_stub(channel):
    return channel.unary_unary(
        SERVICE + "Classify",
        request_serializer=pb.ClassifyRequest.SerializeToString,
        response_deserializer=pb.ClassifyResponse.FromString)


def stream_stub(channel):
    return channel.stream_stream(
        SERVICE + "StreamCall",
        request_serializer=pb.CallEvent.SerializeToString,
        response_deserializer=pb.CallUpdate.FromString)


def start_event(call_id):
    return pb.CallEvent(start=pb.CallStart(call_id=call_id, tenant_id=TENANT, agent_id="agent-1", team_id="team-1"))


def chunk_event(seq, text):
    return pb.CallEvent(chunk=pb.TranscriptChunk(seq=seq, speaker=pb.CUSTOMER, text=text, is_final=True))


def end_event():
    return pb.CallEvent(end=pb.CallEnd(reason=pb.CALL_END_REASON_COMPLETED))


def new_call_id():
    return "interop-" + uuid.uuid4().hex


def score(scores, category):
    matches = [s for s in scores if s.category == category]
    if len(matches) != 1:
        fail("expected one score for %s, got %d" % (pb.Category.Name(category), len(matches)))
    return matches[0]


def check_insult(scores, evidence, text, where):
    if not score(scores, pb.INSULT).flagged:
        fail("%s: INSULT was not flagged for an abusive text" % where)
    if not [e for e in evidence if e.category == pb.INSULT]:
        fail("%s: no INSULT evidence" % where)
    for e in evidence:
        if e.start + e.length > len(text) or text[e.start:e.start + e.length] != e.text:
            fail("%s: evidence %r at %d+%d is not inside the text" % (where, e.text, e.start, e.length))


class Outgoing:
    """A request iterator the scenario feeds by hand, so it can hold a stream open."""

    def __init__(self):
        self._items = queue.Queue()

    def put(self, item):
        self._items.put(item)

    def close(self):
        self._items.put(None)

    def __iter__(self):
        while True:
            try:
                item = self._items.get(timeout=30)
            except queue.Empty:
                return
            if item is None:
                return
            yield item


def classify(channel):
    response = classify_stub(channel)(pb.ClassifyRequest(text=ABUSIVE), timeout=10)
    if len(response.scores) != 6:
        fail("expected 6 scores, got %d" % len(response.scores))
    if not response.model_name:
        fail("the response has no model_name")
    check_insult(response.scores, response.evidence, ABUSIVE, "classify")


def stream(channel):
    count = 300
    texts = [CALM if seq % 2 == 1 else ABUSIVE for seq in range(1, count + 1)]
    events = [start_event(new_call_id())] + [chunk_event(seq, texts[seq - 1]) for seq in range(1, count + 1)] + [end_event()]
    updates = list(stream_stub(channel)(iter(events), timeout=60))
    for index, update in enumerate(updates):
        if update.seq != index + 1:
            fail("update %d has seq %d" % (index + 1, update.seq))
        if update.WhichOneof("update") == "error":
            fail("update %d is an error: %s" % (index + 1, update.error.message))
    # Escalation changes and alerts follow the assessments that cause them; the assessments alone answer the chunks in order.
    assessed = [u for u in updates if u.WhichOneof("update") == "assessment"]
    if len(assessed) != count:
        fail("expected %d assessments, got %d" % (count, len(assessed)))
    if not any(u.WhichOneof("update") == "escalation" for u in updates):
        fail("150 insults raised no escalation change")
    for index, update in enumerate(assessed):
        seq = index + 1
        assessment = update.assessment
        if assessment.seq != seq:
            fail("update %d assesses chunk %d" % (seq, assessment.seq))
        text = texts[seq - 1]
        if text == ABUSIVE:
            check_insult(assessment.scores, assessment.evidence, text, "chunk %d" % seq)
        elif score(assessment.scores, pb.INSULT).flagged:
            fail("chunk %d: a calm text was flagged INSULT" % seq)


def deadline(channel):
    # The channel runs with client-side deadline checking off (see OPTIONS), so only the service can end this call:
    # the call stays open with no further events, and only the service's enforcement of grpc-timeout ends it.
    outgoing = Outgoing()
    outgoing.put(start_event(new_call_id()))
    try:
        list(stream_stub(channel)(iter(outgoing), timeout=0.5))
        fail("the call outlived its deadline")
    except grpc.RpcError as error:
        expect_code(error, grpc.StatusCode.DEADLINE_EXCEEDED)
    finally:
        outgoing.close()


def cancel(channel):
    call_id = new_call_id()
    outgoing = Outgoing()
    call = stream_stub(channel)(iter(outgoing), timeout=30)
    outgoing.put(start_event(call_id))
    outgoing.put(chunk_event(1, CALM))
    first = next(call)
    if first.seq != 1 or first.WhichOneof("update") != "assessment":
        fail("the first update was %r" % first)
    call.cancel()
    try:
        next(call)
        fail("the cancelled call produced another update")
    except grpc.RpcError as error:
        expect_code(error, grpc.StatusCode.CANCELLED)
    finally:
        outgoing.close()

    # The service releases the call_id when it sees the cancellation, which can land a moment after
    # the client's own CANCELLED: retry ALREADY_EXISTS briefly, then require success.
    give_up = time.monotonic() + 10
    while True:
        try:
            updates = list(stream_stub(channel)(iter([start_event(call_id), chunk_event(1, CALM), end_event()]), timeout=10))
            break
        except grpc.RpcError as error:
            if error.code() != grpc.StatusCode.ALREADY_EXISTS or time.monotonic() > give_up:
                fail("the new call with the cancelled call's call_id failed: %s %s" % (error.code(), error.details()))
            time.sleep(0.05)
    if len(updates) != 1 or updates[0].WhichOneof("update") != "assessment":
        fail("the new call returned %r" % updates)


def unknown(channel):
    for path in (SERVICE + "Nope", "/abuse_detector.v1.Nope/Classify", "/nope.Service/Method"):
        try:
            channel.unary_unary(path)(b"", timeout=10)
        except grpc.RpcError as error:
            expect_code(error, grpc.StatusCode.UNIMPLEMENTED)
            continue
        fail("%s did not fail" % path)


def oversize(channel):
    text = "a" * (5 * 1000 * 1000)
    if len(text) <= MAX_RECEIVE:
        fail("the test text is not over the limit")
    try:
        classify_stub(channel)(pb.ClassifyRequest(text=text), timeout=30)
    except grpc.RpcError as error:
        expect_code(error, grpc.StatusCode.RESOURCE_EXHAUSTED)
        return
    fail("a 5 MB message was accepted")


def gzip(channel):
    # Repeated words compress well, so C-core sends the message compressed rather than falling back to identity.
    text = " ".join([ABUSIVE] * 100)
    response = classify_stub(channel)(pb.ClassifyRequest(text=text), timeout=10, compression=grpc.Compression.Gzip)
    check_insult(response.scores, response.evidence, text, "gzip")


def metadata(channel):
    binary = bytes([0, 1, 2, 254, 255])
    response, call = classify_stub(channel).with_call(
        pb.ClassifyRequest(text=CALM), timeout=10,
        metadata=(("x-request-id", "interop-123"), ("x-platform", "python3-grpcio"), ("x-trace-bin", binary)))
    if call.code() != grpc.StatusCode.OK:
        fail("the call ended with %s" % call.code())
    if len(response.scores) != 6:
        fail("expected 6 scores, got %d" % len(response.scores))
    call.initial_metadata()
    call.trailing_metadata()


def bad_chunk(channel):
    try:
        list(stream_stub(channel)(iter([chunk_event(1, CALM)]), timeout=10))
        fail("a chunk before CallStart was accepted")
    except grpc.RpcError as error:
        expect_code(error, grpc.StatusCode.FAILED_PRECONDITION)
        if not error.details():
            fail("FAILED_PRECONDITION came without a message")


def watch_alerts(channel):
    # A softphone plugin's view: agent alerts on a server stream, from another thread than the call's.
    agent = "agent-" + uuid.uuid4().hex[:8]
    watch = channel.unary_stream(
        SERVICE + "WatchAlerts",
        request_serializer=pb.WatchAlertsRequest.SerializeToString,
        response_deserializer=pb.Alert.FromString)(pb.WatchAlertsRequest(tenant_id=TENANT, agent_id=agent), timeout=30)
    watch.initial_metadata()  # the service sends headers once the watch is in place
    call_id = new_call_id()
    start = pb.CallEvent(start=pb.CallStart(call_id=call_id, tenant_id=TENANT, agent_id=agent, team_id="team-1"))
    events = [start] + [chunk_event(seq, ABUSIVE) for seq in range(1, 5)] + [end_event()]
    list(stream_stub(channel)(iter(events), timeout=30))
    levels = []
    for alert in watch:
        if alert.call_id != call_id or alert.tenant_id != TENANT or alert.agent_id != agent:
            fail("an alert of another call reached the watch: %r" % alert)
        if alert.kind != pb.ALERT_KIND_LEVEL_CHANGED or not alert.for_agent or not alert.alert_id:
            fail("unexpected alert on the agent's watch: %r" % alert)
        if not alert.recommended_script or alert.at.seconds == 0:
            fail("a level change came without its script line or time: %r" % alert)
        levels.append(alert.level)
        if len(levels) == 4:
            break
    expected = [pb.ESCALATION_LEVEL_NOTICE, pb.ESCALATION_LEVEL_WARNING, pb.ESCALATION_LEVEL_FINAL_WARNING, pb.ESCALATION_LEVEL_END_CALL_PERMITTED]
    if levels != expected:
        fail("expected the four levels in order, got %r" % levels)
    watch.cancel()


SCENARIOS = {
    "watch_alerts": watch_alerts,
    "classify": classify,
    "stream": stream,
    "deadline": deadline,
    "cancel": cancel,
    "unknown": unknown,
    "oversize": oversize,
    "gzip": gzip,
    "metadata": metadata,
    "bad_chunk": bad_chunk,
}


# Extra channel arguments per scenario.
OPTIONS = {
    # The client still sends grpc-timeout but no longer fails the call itself when the deadline passes.
    "deadline": [("grpc.enable_deadline_checking", 0)],
}


def main():
    global pb
    if len(sys.argv) != 4 or sys.argv[3] not in SCENARIOS:
        fail("usage: service_interop.py HOST:PORT GENERATED_DIR {%s}" % "|".join(SCENARIOS))
    sys.path.insert(0, sys.argv[2])
    try:
        from abuse_detector.v1 import abuse_detector_pb2
    except ImportError as error:
        fail("cannot import the generated classes from %s: %s" % (sys.argv[2], error))
    pb = abuse_detector_pb2
    options = [("grpc.enable_http_proxy", 0)] + OPTIONS.get(sys.argv[3], [])
    with grpc.insecure_channel(sys.argv[1], options=options) as channel:
        SCENARIOS[sys.argv[3]](channel)
    print("ok")


if __name__ == "__main__":
    main()
