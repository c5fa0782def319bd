using System.Security.Cryptography;
using System.Text;
using AbuseDetector.Transport.Grpc;
using Microsoft.Extensions.Options;

namespace AbuseDetector.Service.Internal;

/// <summary>
/// Finds the tenant of a call from its API key (<c>authorization: Bearer &lt;key&gt;</c> or <c>x-api-key: &lt;key&gt;</c>),
/// comparing the key with every configured key in constant time. With no tenants configured the service runs open.
/// </summary>
internal sealed class ApiKeyAuthenticator
{
    private const string AuthorizationHeader = "authorization";
    private const string ApiKeyHeader = "x-api-key";
    private const string BearerScheme = "Bearer ";

    // Read at the first call, not when the service is mapped: bad settings must reach start-up validation, which
    // stops the host with a sentence, rather than throw from MapAbuseDetectorService with a stack trace.
    private readonly Lazy<(string TenantId, byte[] Key)[]> _lazyKeys;

    public ApiKeyAuthenticator(IOptions<AbuseDetectorServiceOptions> options)
    {
        _lazyKeys = new(() => [.. options.Value.Tenants.SelectMany(t => t.ApiKeys.Select(k => (t.TenantId!, Encoding.UTF8.GetBytes(k))))]);
    }

    /// <summary>Gets a value indicating whether no tenants are configured, so any caller may use any tenant id.</summary>
    public bool IsOpen => Keys.Length == 0;

    private (string TenantId, byte[] Key)[] Keys => _lazyKeys.Value;

    /// <summary>
    /// Finds the tenant whose key the call carries. True with a null <paramref name="tenantId"/> when the service is open;
    /// false when the key is missing or unknown.
    /// </summary>
    public bool TryAuthenticate(GrpcMetadata requestHeaders, out string? tenantId)
    {
        tenantId = null;
        if (IsOpen)
        {
            return true;
        }

        if (PresentedKey(requestHeaders) is not { Length: > 0 } key)
        {
            return false;
        }

        var presented = Encoding.UTF8.GetBytes(key);
        foreach (var (candidateTenant, candidateKey) in Keys)
        {
            // Compare with every key, without stopping at a match, so the time taken does not tell which key was close.
            if (CryptographicOperations.FixedTimeEquals(presented, candidateKey))
            {
                tenantId ??= candidateTenant;
            }
        }

        return tenantId is not null;
    }

    /// <summary>Whether a call authenticated as <paramref name="authenticatedTenant"/> (null when open) may act for <paramref name="requestedTenant"/>.</summary>
    public static bool MayActFor(string? authenticatedTenant, string requestedTenant) =>
        authenticatedTenant is null || string.Equals(authenticatedTenant, requestedTenant, StringComparison.Ordinal);

    private static string? PresentedKey(GrpcMetadata requestHeaders)
    {
        var authorization = requestHeaders.GetValue(AuthorizationHeader);
        if (authorization is not null && authorization.StartsWith(BearerScheme, StringComparison.OrdinalIgnoreCase))
        {
            return authorization[BearerScheme.Length..].Trim();
        }

        return requestHeaders.GetValue(ApiKeyHeader)?.Trim();
    }
}

/// <summary>Says once at start when authentication is off.</summary>
internal sealed class AuthenticationNoticeService(ApiKeyAuthenticator authenticator, ILogger<AuthenticationNoticeService> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (authenticator.IsOpen)
        {
            ServiceLog.AuthenticationOff(logger);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
