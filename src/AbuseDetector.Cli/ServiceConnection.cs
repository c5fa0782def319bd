using AbuseDetector.Client;
using Grpc.Net.Client;
using V1 = AbuseDetector.Contracts.V1;

namespace AbuseDetector.Cli;

/// <summary>The connection the commands that talk to a running service share: --server and --api-key.</summary>
internal sealed class ServiceConnection : IDisposable
{
    public const string DefaultAddress = "http://127.0.0.1:50051";

    private readonly GrpcChannel _channel;

    private ServiceConnection(GrpcChannel channel, string? apiKey)
    {
        _channel = channel;
        Client = new V1.AbuseDetector.AbuseDetectorClient(channel.WithApiKey(apiKey));
    }

    /// <summary>Gets the generated client, sending the API key with every call.</summary>
    public V1.AbuseDetector.AbuseDetectorClient Client { get; }

    /// <summary>A connection to --server (default the local service) with --api-key, or ABUSE_DETECTOR_SERVER and ABUSE_DETECTOR_API_KEY.</summary>
    public static ServiceConnection Open(CommandLine line)
    {
        var server = line.Get("server") ?? Environment.GetEnvironmentVariable("ABUSE_DETECTOR_SERVER") ?? DefaultAddress;
        if (!Uri.TryCreate(server, UriKind.Absolute, out var address) || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps))
        {
            throw new UsageException($"--server takes an http:// or https:// address such as {DefaultAddress}, not '{server}'.");
        }

        var apiKey = line.Get("api-key") ?? Environment.GetEnvironmentVariable("ABUSE_DETECTOR_API_KEY");
        return new ServiceConnection(GrpcChannel.ForAddress(address), apiKey);
    }

    public void Dispose() => _channel.Dispose();
}
