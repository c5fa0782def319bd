namespace AbuseDetector.Transport.Grpc.Internal;

/// <summary>
/// The request <c>content-type</c> check. This server speaks protobuf only, so it accepts
/// <c>application/grpc</c> and <c>application/grpc+proto</c>, each with optional parameters after <c>;</c>,
/// compared case-insensitively. Anything else is answered with HTTP 415 Unsupported Media Type.
/// </summary>
internal static class GrpcContentType
{
    /// <summary>Returns whether <paramref name="contentType"/> names a gRPC protobuf request.</summary>
    /// <param name="contentType">The <c>content-type</c> header value, or <see langword="null"/> when absent.</param>
    /// <returns><see langword="true"/> for <c>application/grpc</c>, <c>application/grpc+proto</c> and those with parameters.</returns>
    public static bool IsGrpc(ReadOnlySpan<char> contentType)
    {
        var semicolon = contentType.IndexOf(';');
        var mediaType = (semicolon >= 0 ? contentType[..semicolon] : contentType).Trim();

        return mediaType.Equals(GrpcProtocolConstants.ContentType, StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals(GrpcProtocolConstants.ContentTypeProto, StringComparison.OrdinalIgnoreCase);
    }
}
