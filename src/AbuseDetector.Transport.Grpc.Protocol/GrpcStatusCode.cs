namespace AbuseDetector.Transport.Grpc;

/// <summary>
/// The status codes carried in the <c>grpc-status</c> trailer, as numbered by the gRPC protocol.
/// </summary>
public enum GrpcStatusCode
{
    /// <summary>Not an error; returned on success.</summary>
    OK = 0,

    /// <summary>The operation was cancelled, typically by the caller.</summary>
    Cancelled = 1,

    /// <summary>Unknown error, for example an error raised by an API that returns too little information.</summary>
    Unknown = 2,

    /// <summary>The client specified an invalid argument, independent of the state of the system.</summary>
    InvalidArgument = 3,

    /// <summary>The deadline expired before the operation could complete.</summary>
    DeadlineExceeded = 4,

    /// <summary>Some requested entity was not found.</summary>
    NotFound = 5,

    /// <summary>The entity that a client attempted to create already exists.</summary>
    AlreadyExists = 6,

    /// <summary>The caller does not have permission to execute the specified operation.</summary>
    PermissionDenied = 7,

    /// <summary>Some resource has been exhausted, for example a per-user quota or a message size limit.</summary>
    ResourceExhausted = 8,

    /// <summary>The operation was rejected because the system is not in a state required for its execution.</summary>
    FailedPrecondition = 9,

    /// <summary>The operation was aborted, typically due to a concurrency issue.</summary>
    Aborted = 10,

    /// <summary>The operation was attempted past the valid range.</summary>
    OutOfRange = 11,

    /// <summary>The operation is not implemented or not supported by this service.</summary>
    Unimplemented = 12,

    /// <summary>An internal error: an invariant expected by the underlying system, such as the protocol, has been broken.</summary>
    Internal = 13,

    /// <summary>The service is currently unavailable; the caller may retry with a backoff.</summary>
    Unavailable = 14,

    /// <summary>Unrecoverable data loss or corruption.</summary>
    DataLoss = 15,

    /// <summary>The request does not have valid authentication credentials for the operation.</summary>
    Unauthenticated = 16,
}
