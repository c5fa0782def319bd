using Grpc.Core;
using Grpc.Core.Interceptors;

namespace AbuseDetector.Client;

/// <summary>Sends a tenant's API key with every call on a channel.</summary>
public static class ApiKeyExtensions
{
    private const string Authorization = "authorization";

    /// <summary>
    /// A call invoker that adds <c>authorization: Bearer &lt;key&gt;</c> to every call; pass it to the generated client:
    /// <c>new AbuseDetector.AbuseDetectorClient(channel.WithApiKey(key))</c>. Works over cleartext HTTP/2 too (the
    /// service's loopback default), where gRPC call credentials would be refused.
    /// </summary>
    /// <param name="channel">The channel, such as <c>GrpcChannel.ForAddress("http://127.0.0.1:50051")</c>.</param>
    /// <param name="apiKey">The tenant's API key, or null or empty to send none (a service without tenants).</param>
    /// <returns>The call invoker.</returns>
    public static CallInvoker WithApiKey(this ChannelBase channel, string? apiKey)
    {
        ArgumentNullException.ThrowIfNull(channel);
        var invoker = channel.CreateCallInvoker();
        if (string.IsNullOrEmpty(apiKey))
        {
            return invoker;
        }

        var value = "Bearer " + apiKey;

        // A copy: the caller's headers may be reused for other calls, and must not collect one authorization per call.
        return invoker.Intercept(headers =>
        {
            var sent = new Metadata();
            foreach (var entry in headers)
            {
                if (!string.Equals(entry.Key, Authorization, StringComparison.OrdinalIgnoreCase))
                {
                    sent.Add(entry);
                }
            }

            sent.Add(Authorization, value);
            return sent;
        });
    }
}
