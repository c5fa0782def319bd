"""python3-grpcio client for the service's TLS tests: Classify over HTTP/2 with TLS, trusting one root certificate.

Usage: python3 tls_interop.py HOST:PORT GENERATED_DIR ROOT_CERT_PEM {tls|plaintext}
  tls        Classify over a secure channel trusting ROOT_CERT_PEM (server name checked as "localhost"); must succeed.
  plaintext  Classify over an insecure (h2c) channel; must fail with UNAVAILABLE.
Exits 0 and prints "ok" when the scenario behaves as expected; exits 1 with the reason otherwise;
exits 3 when python3-grpcio or python3-protobuf is not installed.
"""
import sys

try:
    import grpc
    import google.protobuf  # noqa: F401  (the generated classes need it)
except ImportError as missing:
    print("%s: run 'apt-get install -y python3-grpcio python3-protobuf protobuf-compiler' (tests/run.sh does this)." % missing)
    sys.exit(3)

CLASSIFY = "/abuse_detector.v1.AbuseDetector/Classify"


def fail(message):
    print(message)
    sys.exit(1)


def classify(channel, pb):
    stub = channel.unary_unary(CLASSIFY, request_serializer=pb.ClassifyRequest.SerializeToString, response_deserializer=pb.ClassifyResponse.FromString)
    return stub(pb.ClassifyRequest(text="you're a useless idiot"), timeout=10)


def main():
    if len(sys.argv) != 5 or sys.argv[4] not in ("tls", "plaintext"):
        fail("usage: tls_interop.py HOST:PORT GENERATED_DIR ROOT_CERT_PEM {tls|plaintext}")
    target, generated, root, mode = sys.argv[1:]
    sys.path.insert(0, generated)
    try:
        from abuse_detector.v1 import abuse_detector_pb2 as pb
    except ImportError as error:
        fail("cannot import the generated classes from %s: %s" % (generated, error))
    options = [("grpc.enable_http_proxy", 0)]
    if mode == "tls":
        with open(root, "rb") as pem:
            credentials = grpc.ssl_channel_credentials(root_certificates=pem.read())
        options.append(("grpc.ssl_target_name_override", "localhost"))
        with grpc.secure_channel(target, credentials, options=options) as channel:
            response = classify(channel, pb)
        if len(response.scores) != 6 or not [s for s in response.scores if s.category == pb.INSULT and s.flagged]:
            fail("the TLS Classify returned %r" % response)
    else:
        with grpc.insecure_channel(target, options=options) as channel:
            try:
                classify(channel, pb)
                fail("a cleartext call to the TLS endpoint succeeded")
            except grpc.RpcError as error:
                if error.code() != grpc.StatusCode.UNAVAILABLE:
                    fail("expected UNAVAILABLE, got %s: %s" % (error.code(), error.details()))
    print("ok")


if __name__ == "__main__":
    main()
