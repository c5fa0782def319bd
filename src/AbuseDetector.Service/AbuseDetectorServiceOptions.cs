using System.ComponentModel.DataAnnotations;

namespace AbuseDetector.Service;

/// <summary>Settings of the AbuseDetector service, bound from the <c>AbuseDetector</c> configuration section.</summary>
public sealed partial class AbuseDetectorServiceOptions : IValidatableObject
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "AbuseDetector";

    /// <summary>The model file used when none is configured, looked for above the content root and the program folder.</summary>
    public const string DefaultModelRelativePath = "models/default.model";

    /// <summary>Short command-line flags and the configuration keys they set.</summary>
    public static IReadOnlyDictionary<string, string> CommandLineSwitches { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--grpc-port"] = $"{SectionName}:{nameof(GrpcPort)}",
        ["--http-port"] = $"{SectionName}:{nameof(HttpPort)}",
        ["--model"] = $"{SectionName}:{nameof(ModelPath)}",
        ["--bind"] = $"{SectionName}:{nameof(BindAddress)}",
        ["--redis"] = $"{SectionName}:{nameof(Redis)}",
    };

    /// <summary>The port of the gRPC endpoint (HTTP/2: cleartext, or TLS when <see cref="CertificatePath"/> is set), on <see cref="BindAddress"/>; 0 picks a free port.</summary>
    /// <value>The default value is 50051.</value>
    [Range(0, 65535, ErrorMessage = "The gRPC port must be between 0 and 65535.")]
    public int GrpcPort { get; set; } = 50051;

    /// <summary>The port of the HTTP/1.1 endpoint serving /alive, /health and /metrics, on <see cref="BindAddress"/>; 0 picks a free port.</summary>
    /// <value>The default value is 8080.</value>
    [Range(0, 65535, ErrorMessage = "The HTTP port must be between 0 and 65535.")]
    public int HttpPort { get; set; } = 8080;

    /// <summary>The model file to load at start.</summary>
    /// <value>The default value is <c>models/default.model</c> found by walking up from the content root, then from the program folder.</value>
    [Required(ErrorMessage = "No model found: pass --model, set AbuseDetector__ModelPath, or run from a checkout that has models/default.model.")]
    public string? ModelPath { get; set; }

    /// <summary>The longest text, in characters, that Classify and a transcript chunk may carry.</summary>
    /// <value>The default value is 10,000.</value>
    [Range(1, 1_000_000, ErrorMessage = "MaxTextLength must be between 1 and 1000000 characters.")]
    public int MaxTextLength { get; set; } = 10_000;

    /// <summary>
    /// The longest identifier (call, tenant, agent, team and customer ids, and the language tag), in UTF-8 bytes, that a
    /// request may carry; longer ones get INVALID_ARGUMENT, so no caller can make the service keep megabyte keys in Redis.
    /// </summary>
    /// <value>The default value is 128.</value>
    [Range(16, 65_536, ErrorMessage = "MaxIdLength must be between 16 and 65536 bytes.")]
    public int MaxIdLength { get; set; } = 128;

    /// <summary>
    /// The largest request message, in bytes, the abuse_detector.v1 service accepts from an authenticated caller (a chunk with
    /// its audio); larger ones end the call with RESOURCE_EXHAUSTED. The health and reflection services, open to anyone,
    /// take at most 16 KiB.
    /// </summary>
    /// <value>The default value is 4 MiB.</value>
    [Range(16 * 1024, 64 * 1024 * 1024, ErrorMessage = "MaxReceiveMessageSize must be between 16 KiB and 64 MiB.")]
    public int MaxReceiveMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>The most StreamCall streams open at once across all tenants; further calls get RESOURCE_EXHAUSTED.</summary>
    /// <value>The default value is 10,000.</value>
    [Range(1, 1_000_000, ErrorMessage = "MaxConcurrentCalls must be between 1 and 1000000.")]
    public int MaxConcurrentCalls { get; set; } = 10_000;

    /// <summary>The most StreamCall streams one tenant may have open at once; its further calls get RESOURCE_EXHAUSTED while other tenants are unaffected.</summary>
    /// <value>The default value is 1,000.</value>
    [Range(1, 1_000_000, ErrorMessage = "MaxConcurrentCallsPerTenant must be between 1 and 1000000.")]
    public int MaxConcurrentCallsPerTenant { get; set; } = 1_000;

    /// <summary>How long a StreamCall stream may go without an event from the client before the service ends it with DEADLINE_EXCEEDED.</summary>
    /// <value>The default value is 5 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ParseLimitsInInvariantCulture = true, ErrorMessage = "IdleStreamTimeout must be between 1 second and 1 day.")]
    public TimeSpan IdleStreamTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a call whose client went away without a CallEnd (a broken connection, a proxy restarting) waits for the
    /// client to resume it, here or on another instance, before it is ended as dropped (call_ended alert, incident);
    /// zero ends it at once. Only with Redis, which keeps the call's state meanwhile.
    /// </summary>
    /// <value>The default value is 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00", ParseLimitsInInvariantCulture = true, ErrorMessage = "ResumeWindow must be between 0 and 1 hour.")]
    public TimeSpan ResumeWindow { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the service may take to stop (SIGTERM): open calls hand their state over for resumption elsewhere, then
    /// the outbox and the incident queue flush; whatever is left then stays in the outbox journal for the next start.
    /// </summary>
    /// <value>The default value is 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ParseLimitsInInvariantCulture = true, ErrorMessage = "ShutdownTimeout must be between 1 second and 10 minutes.")]
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The tenants allowed to call the service and their API keys. When the list is empty the service runs open: any
    /// caller may use any tenant id, and a warning says so at start; open mode is refused unless <see cref="BindAddress"/> is loopback.
    /// </summary>
    /// <value>The default value is an empty list (authentication off).</value>
    public IList<AbuseDetectorTenantOptions> Tenants { get; } = [];

    /// <summary>The fewest characters a dashboard or agent panel token may have.</summary>
    public const int MinSignInTokenLength = 16;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ModelPath is not null && !File.Exists(ModelPath))
        {
            yield return new ValidationResult($"The model file '{ModelPath}' does not exist.", [nameof(ModelPath)]);
        }

        foreach (var failure in ValidateTenants())
        {
            yield return new ValidationResult(failure, [nameof(Tenants)]);
        }

        foreach (var failure in ValidateEndpoints())
        {
            yield return failure;
        }

        if (ValidateRedis() is { } redisFailure)
        {
            yield return new ValidationResult(redisFailure, [nameof(Redis)]);
        }
    }

    private IEnumerable<string> ValidateTenants()
    {
        var tenantIds = new HashSet<string>(StringComparer.Ordinal);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Tenants.Count; i++)
        {
            var tenant = Tenants[i];
            if (string.IsNullOrWhiteSpace(tenant.TenantId))
            {
                yield return $"Tenants:{i} has no TenantId.";
            }
            else if (!tenantIds.Add(tenant.TenantId))
            {
                yield return $"Tenants:{i} repeats a TenantId listed before it.";
            }

            if (tenant.ApiKeys.Count == 0)
            {
                yield return $"Tenants:{i} has no ApiKeys.";
            }

            foreach (var failure in ValidateTeams(tenant, i))
            {
                yield return failure;
            }

            // Never put a key in the message: it is a secret.
            foreach (var key in tenant.ApiKeys)
            {
                if (string.IsNullOrWhiteSpace(key))
                {
                    yield return $"Tenants:{i} has an empty API key.";
                }
                else if (!keys.Add(key))
                {
                    yield return $"Tenants:{i} has an API key listed before it; each key must identify one tenant.";
                }
            }
        }
    }

    private static IEnumerable<string> ValidateTeams(AbuseDetectorTenantOptions tenant, int index)
    {
        var teamIds = new HashSet<string>(StringComparer.Ordinal);
        for (var j = 0; j < tenant.Teams.Count; j++)
        {
            var team = tenant.Teams[j];
            if (string.IsNullOrWhiteSpace(team.TeamId))
            {
                yield return $"Tenants:{index}:Teams:{j} has no TeamId.";
            }
            else if (!teamIds.Add(team.TeamId))
            {
                yield return $"Tenants:{index}:Teams:{j} repeats a TeamId listed before it.";
            }

            // Short tokens can be guessed by trying; never put a token in the message.
            if (team.SupervisorTokens.Concat(team.AgentTokens).Any(token => token is null || token.Length < MinSignInTokenLength))
            {
                yield return $"Tenants:{index}:Teams:{j} has a token shorter than {MinSignInTokenLength} characters.";
            }

            if (team.SupervisorTokens.Intersect(team.AgentTokens, StringComparer.Ordinal).Any())
            {
                yield return $"Tenants:{index}:Teams:{j} uses one token for both supervisors and agents; give each its own.";
            }
        }
    }
}
