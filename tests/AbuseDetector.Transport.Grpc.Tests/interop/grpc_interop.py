"""python3-grpcio client for the transport's interop tests.

Usage: python3 grpc_interop.py PORT SCENARIO
Exits 0 and prints "ok" when the scenario behaves as expected; exits 1 with the reason otherwise;
exits 3 when python3-grpcio is not installed.
"""
import sys

try:
    import grpc
except ImportError:
    print("python3-grpcio is not installed: run 'apt-get install -y python3-grpcio' (tests/run.sh does this).")
    sys.exit(3)

MAX_RECEIVE = 1024 * 1024  # GrpcServerFixture.MaxReceiveMessageSize
MAX_SEND = 64 * 1024  # GrpcServerFixture.MaxSendMessageSize


def fail(message):
    print(message)
    sys.exit(1)


def expect_code(error, code):
    if error.code() != code:
        fail("expected %s, got %s: %s" % (code, error.code(), error.details()))


def unary(channel):
    echo = channel.unary_unary("/test.Echo/Echo")
    reply = echo(b"hello agent", timeout=10)
    if reply != b"hello agent":
        fail("echo returned %r" % reply)


def server_streaming(channel):
    count = channel.unary_stream("/test.Echo/Count")
    replies = [int(r) for r in count(b"5", timeout=10)]
    if replies != [0, 1, 2, 3, 4]:
        fail("count returned %r" % replies)


def client_streaming(channel):
    total = channel.stream_unary("/test.Echo/Sum")
    reply = total(iter([b"1", b"2", b"39"]), timeout=10)
    if reply != b"42":
        fail("sum returned %r" % reply)


def bidi(channel):
    chat = channel.stream_stream("/test.Echo/Chat")
    sent = [("message %d" % i).encode() for i in range(300)]
    received = list(chat(iter(sent), timeout=30))
    if received != sent:
        fail("chat returned %d messages, first difference at %r" % (
            len(received), next((i for i, (a, b) in enumerate(zip(sent, received)) if a != b), None)))


def expect_deadline_exceeded(channel, path):
    try:
        channel.unary_unary(path)(b"x", timeout=0.3)
    except grpc.RpcError as error:
        expect_code(error, grpc.StatusCode.DEADLINE_EXCEEDED)
        return
    fail("the call outlived its deadline")


def deadline(channel):
    expect_deadline_exceeded(channel, "/test.Echo/Sleep")


def deadline_ignored(channel):
    # The channel runs with client-side deadline checking off (see OPTIONS), so only the server can end this call:
    # Stall ignores its token, and without the server's own enforcement the call would hang.
    expect_deadline_exceeded(channel, "/test.Echo/Stall")


def send_too_large(channel):
    big = channel.unary_stream("/test.Echo/Big")
    received = []
    try:
        for reply in big(str(MAX_SEND + 1).encode(), timeout=10):
            received.append(reply)
    except grpc.RpcError as error:
        expect_code(error, grpc.StatusCode.RESOURCE_EXHAUSTED)
        if "maximum send message size" not in (error.details() or ""):
            fail("details were %r" % error.details())
        if received != [b"\x01"]:
            fail("received %r before the error" % [len(r) for r in received])
        return
    fail("an oversize response was sent")


def early_headers(channel):
    early = channel.unary_unary("/test.Echo/EarlyHeaders")
    reply, call = early.with_call(b"e", timeout=10)
    headers = dict(call.initial_metadata())
    trailers = dict(call.trailing_metadata())
    if reply != b"e":
        fail("EarlyHeaders returned %r" % reply)
    if headers.get("x-early") != "yes" or headers.get("x-first") != "1" or "x-late" in headers:
        fail("response headers were %r" % headers)
    if "x-second-write-error" not in trailers or "x-late-error" not in trailers:
        fail("response trailers were %r" % trailers)


def cancel(channel):
    import queue

    outgoing = queue.Queue()

    def requests():
        while True:
            item = outgoing.get()
            if item is None:
                return
            yield item

    chat = channel.stream_stream("/test.Echo/Chat")
    call = chat(requests(), timeout=30)
    outgoing.put(b"first")
    first = next(call)
    if first != b"first":
        fail("chat echoed %r" % first)
    call.cancel()
    try:
        next(call)
    except grpc.RpcError as error:
        expect_code(error, grpc.StatusCode.CANCELLED)
    finally:
        outgoing.put(None)


def unknown(channel):
    for path in ("/test.Echo/Nope", "/nope.Service/Echo"):
        try:
            channel.unary_unary(path)(b"x", timeout=10)
        except grpc.RpcError as error:
            expect_code(error, grpc.StatusCode.UNIMPLEMENTED)
            continue
        fail("%s did not fail" % path)


def oversize(channel):
    echo = channel.unary_unary("/test.Echo/Echo")
    try:
        echo(b"\0" * (MAX_RECEIVE + 1), timeout=10)
    except grpc.RpcError as error:
        expect_code(error, grpc.StatusCode.RESOURCE_EXHAUSTED)
        return
    fail("an oversize message was accepted")


def gzip(channel):
    echo = channel.unary_unary("/test.Echo/Echo")
    payload = b"compress me " * 1000
    reply = echo(payload, timeout=10, compression=grpc.Compression.Gzip)
    if reply != payload:
        fail("gzip echo returned %d bytes" % len(reply))


def metadata(channel):
    echo = channel.unary_unary("/test.Echo/Echo")
    binary = bytes([0, 1, 2, 254, 255])
    reply, call = echo.with_call(
        b"m", timeout=10, metadata=(("x-echo", "text value"), ("x-echo-bin", binary)))
    if reply != b"m":
        fail("echo returned %r" % reply)
    headers = dict(call.initial_metadata())
    trailers = dict(call.trailing_metadata())
    if headers.get("x-handler") != "echo":
        fail("response headers were %r" % headers)
    if trailers.get("x-echo") != "text value" or trailers.get("x-echo-bin") != binary:
        fail("response trailers were %r" % trailers)


def errors(channel):
    try:
        channel.unary_unary("/test.Echo/Fail")(b"x", timeout=10)
        fail("Fail did not fail")
    except grpc.RpcError as error:
        expect_code(error, grpc.StatusCode.INVALID_ARGUMENT)
        if error.details() != "bad thing":
            fail("details were %r" % error.details())
    try:
        channel.unary_unary("/test.Echo/Crash")(b"x", timeout=10)
        fail("Crash did not fail")
    except grpc.RpcError as error:
        expect_code(error, grpc.StatusCode.UNKNOWN)
        if "secret" in (error.details() or ""):
            fail("the exception text leaked: %r" % error.details())


SCENARIOS = {
    "unary": unary,
    "server_streaming": server_streaming,
    "client_streaming": client_streaming,
    "bidi": bidi,
    "deadline": deadline,
    "deadline_ignored": deadline_ignored,
    "send_too_large": send_too_large,
    "early_headers": early_headers,
    "cancel": cancel,
    "unknown": unknown,
    "oversize": oversize,
    "gzip": gzip,
    "metadata": metadata,
    "errors": errors,
}


# Extra channel arguments per scenario.
OPTIONS = {
    # The client still sends grpc-timeout but no longer fails the call itself when the deadline passes.
    "deadline_ignored": [("grpc.enable_deadline_checking", 0)],
}


def main():
    if len(sys.argv) != 3 or sys.argv[2] not in SCENARIOS:
        fail("usage: grpc_interop.py PORT {%s}" % "|".join(SCENARIOS))
    options = [("grpc.enable_http_proxy", 0)] + OPTIONS.get(sys.argv[2], [])
    with grpc.insecure_channel("127.0.0.1:%d" % int(sys.argv[1]), options=options) as channel:
        SCENARIOS[sys.argv[2]](channel)
    print("ok")


if __name__ == "__main__":
    main()
