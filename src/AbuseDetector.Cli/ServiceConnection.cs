using AbuseDetector.Client;

namespace AbuseDetector.Cli;

/// <summary>The options the commands that talk to a running service share: --server and --api-key.</summary>
internal static class ServiceConnection
{
    public const string DefaultAddress = "http://127.0.0.1:50051";

    /// <summary>A client for --server (default the local service) with --api-key, or ABUSE_DETECTOR_API_KEY.</summary>
    public static AbuseDetectorClient Open(CommandLine line)
    {
        var server = line.Get("server") ?? Environment.GetEnvironmentVariable("ABUSE_DETECTOR_SERVER") ?? DefaultAddress;
        if (!Uri.TryCreate(server, UriKind.Absolute, out var address) || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps))
        {
            throw new UsageException($"--server takes an http:// or https:// address such as {DefaultAddress}, not '{server}'.");
        }

        var apiKey = line.Get("api-key") ?? Environment.GetEnvironmentVariable("ABUSE_DETECTOR_API_KEY");
        return new AbuseDetectorClient(new AbuseDetectorClientOptions { Address = address, ApiKey = apiKey });
    }
}
