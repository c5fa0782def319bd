using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Grpc.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace AbuseDetector.Service.Internal;

/// <summary>
/// Authenticates gRPC calls by API key (<c>authorization: Bearer &lt;key&gt;</c> or <c>x-api-key: &lt;key&gt;</c>) into a
/// principal carrying the key's tenant. It runs in the authentication middleware, before the gRPC endpoint reads a single
/// request message, so an unauthenticated caller can make the server hold nothing: its challenge answers at once with a
/// trailers-only UNAUTHENTICATED. With no tenants configured (open mode, loopback only) every caller is authenticated,
/// with no tenant.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory loggerFactory, UrlEncoder encoder, TenantApiKeys keys, ServiceMetrics metrics)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "ApiKey";

    private const string AuthorizationHeader = "authorization";
    private const string ApiKeyHeader = "x-api-key";
    private const string BearerScheme = "Bearer ";
    private const string UnauthenticatedMessage = "a valid API key is required";

    private static readonly ClaimsPrincipal OpenModeCaller = new(new ClaimsIdentity(authenticationType: SchemeName));

    // A category of its own: the base class's per-request lines share the handler's, which the host keeps at Warning.
    private readonly ILogger _logger = loggerFactory.CreateLogger("AbuseDetector.Service.Authentication");

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (keys.IsOpen)
        {
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(OpenModeCaller, SchemeName)));
        }

        if (PresentedKey() is not { Length: > 0 } key)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (keys.FindTenant(key) is not { } tenantId)
        {
            return Task.FromResult(AuthenticateResult.Fail("The API key is not known."));
        }

        var identity = new ClaimsIdentity([new Claim(TenantAccess.TenantClaim, tenantId)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    /// <summary>A trailers-only gRPC response: HTTP 200, no message, grpc-status UNAUTHENTICATED in the headers.</summary>
    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var path = Request.Path.Value ?? "";
        ServiceLog.Unauthenticated(_logger, path);
        if (path.EndsWith("/StreamCall", StringComparison.Ordinal))
        {
            metrics.CallRejected(StatusCode.Unauthenticated);
        }

        Response.StatusCode = StatusCodes.Status200OK;
        Response.ContentType = "application/grpc";
        Response.Headers["grpc-status"] = ((int)StatusCode.Unauthenticated).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Response.Headers["grpc-message"] = UnauthenticatedMessage;
        return Task.CompletedTask;
    }

    private string? PresentedKey()
    {
        var authorization = Request.Headers[AuthorizationHeader].ToString();
        if (authorization.StartsWith(BearerScheme, StringComparison.OrdinalIgnoreCase))
        {
            return authorization[BearerScheme.Length..].Trim();
        }

        return Request.Headers[ApiKeyHeader].ToString().Trim();
    }
}

/// <summary>The configured tenants' API keys, compared in constant time. Read at the first call, after start-up validation.</summary>
internal sealed class TenantApiKeys(IOptions<AbuseDetectorServiceOptions> options)
{
    private readonly Lazy<(string TenantId, byte[] Key)[]> _keys =
        new(() => [.. options.Value.Tenants.SelectMany(t => t.ApiKeys.Select(k => (t.TenantId!, Encoding.UTF8.GetBytes(k))))]);

    /// <summary>Gets a value indicating whether no tenants are configured, so any caller may use any tenant id.</summary>
    public bool IsOpen => _keys.Value.Length == 0;

    /// <summary>The tenant a key belongs to, or null.</summary>
    public string? FindTenant(string key)
    {
        var presented = Encoding.UTF8.GetBytes(key);
        string? tenantId = null;
        foreach (var (candidateTenant, candidateKey) in _keys.Value)
        {
            // Compare with every key, without stopping at a match, so the time taken does not tell which key was close.
            if (CryptographicOperations.FixedTimeEquals(presented, candidateKey))
            {
                tenantId ??= candidateTenant;
            }
        }

        return tenantId;
    }
}

/// <summary>Which tenant an authenticated caller may act for.</summary>
internal static class TenantAccess
{
    public const string TenantClaim = "abuse_detector_tenant";

    /// <summary>Whether the caller may act for <paramref name="tenantId"/>: its key's tenant, or any in open mode.</summary>
    public static bool MayActFor(ServerCallContext context, string tenantId)
    {
        var user = context.GetHttpContext().User;
        var granted = user.FindFirst(TenantClaim)?.Value;
        return user.Identity?.IsAuthenticated == true && (granted is null || string.Equals(granted, tenantId, StringComparison.Ordinal));
    }
}

/// <summary>Says once at start when authentication is off.</summary>
internal sealed class AuthenticationNoticeService(TenantApiKeys keys, ILogger<AuthenticationNoticeService> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (keys.IsOpen)
        {
            ServiceLog.AuthenticationOff(logger);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
