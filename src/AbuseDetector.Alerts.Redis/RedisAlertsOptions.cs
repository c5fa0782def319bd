using System.ComponentModel.DataAnnotations;

namespace AbuseDetector.Alerts.Redis;

/// <summary>
/// Where Redis is and how alerts and incidents are kept there; bound from the <c>AbuseDetector:Alerts</c> section (the
/// service fills in the server, password and TLS from its --redis settings) and validated with data annotations.
/// </summary>
public sealed class RedisAlertsOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "AbuseDetector:Alerts";

    /// <summary>
    /// The Redis server as <c>host:port</c>, the nodes of a cluster joined by commas, or sentinels joined by commas with
    /// <c>serviceName=</c> and the master's name (StackExchange.Redis's configuration string); the service sets it from its
    /// <c>--redis</c> setting.
    /// </summary>
    /// <value>The default value is <c>127.0.0.1:6379</c>.</value>
    [Required(ErrorMessage = "Redis Configuration must name a server, for example 127.0.0.1:6379.")]
    public string Configuration { get; set; } = "127.0.0.1:6379";

    /// <summary>The password for Redis AUTH, or null when the server has none; the service sets it from <c>RedisPassword</c>.</summary>
    /// <value>The default value is null.</value>
    public string? Password { get; set; }

    /// <summary>Whether to talk to Redis over TLS; the service sets it from <c>RedisUseTls</c>.</summary>
    /// <value>The default value is false.</value>
    public bool UseTls { get; set; }

    /// <summary>The host name the server's TLS certificate must carry, when it differs from the configured host.</summary>
    /// <value>The default value is null: the configured host.</value>
    public string? TlsHost { get; set; }

    /// <summary>Whether to accept a TLS certificate that does not validate (self-signed, development only).</summary>
    /// <value>The default value is false.</value>
    public bool AllowUntrustedCertificate { get; set; }

    /// <summary>The first segment of every key and channel, so several deployments can share one Redis.</summary>
    /// <value>The default value is <c>abuse</c>.</value>
    [Required(ErrorMessage = "Redis KeyPrefix must not be empty.")]
    [RegularExpression("^[A-Za-z0-9_.-]{1,64}$", ErrorMessage = "Redis KeyPrefix must be 1 to 64 letters, digits, '_', '.' or '-'.")]
    public string KeyPrefix { get; set; } = "abuse";

    /// <summary>About how many alerts each team's history stream keeps (XADD MAXLEN ~).</summary>
    /// <value>The default value is 10,000.</value>
    [Range(1, 10_000_000, ErrorMessage = "Redis HistoryLength must be between 1 and 10000000.")]
    public int HistoryLength { get; set; } = 10_000;

    /// <summary>
    /// About how many alerts each agent's history stream keeps (XADD MAXLEN ~), for a softphone plugin that resumes
    /// after a reconnect; shorter than a team's, since there is one per agent.
    /// </summary>
    /// <value>The default value is 100 (about 60 KB per agent at its longest).</value>
    [Range(1, 10_000_000, ErrorMessage = "Redis AgentHistoryLength must be between 1 and 10000000.")]
    public int AgentHistoryLength { get; set; } = 100;

    /// <summary>How long an agent's history is kept after the agent's last alert, so agents who left leave nothing behind.</summary>
    /// <value>The default value is 24 hours.</value>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00", ParseLimitsInInvariantCulture = true, ErrorMessage = "Redis AgentHistoryRetention must be between 1 minute and 365 days.")]
    public TimeSpan AgentHistoryRetention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long an alert id is remembered so a retried publish is not delivered twice.</summary>
    /// <value>The default value is 24 hours.</value>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00", ParseLimitsInInvariantCulture = true, ErrorMessage = "Redis DedupeWindow must be between 1 second and 30 days.")]
    public TimeSpan DedupeWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The most alerts waiting in the in-memory outbox for Redis.</summary>
    /// <value>The default value is 10,000.</value>
    [Range(1, 1_000_000, ErrorMessage = "Redis OutboxCapacity must be between 1 and 1000000.")]
    public int OutboxCapacity { get; set; } = 10_000;

    /// <summary>What happens to alerts when the outbox is full.</summary>
    /// <value>The default value is <see cref="OutboxOverflowPolicy.DropOldest"/>.</value>
    [EnumDataType(typeof(OutboxOverflowPolicy), ErrorMessage = "Redis OverflowPolicy must be DropOldest or RejectNew.")]
    public OutboxOverflowPolicy OverflowPolicy { get; set; } = OutboxOverflowPolicy.DropOldest;

    /// <summary>How long incidents and their index entries are kept.</summary>
    /// <value>The default value is 90 days.</value>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00", ParseLimitsInInvariantCulture = true, ErrorMessage = "Redis IncidentRetention must be between 1 second and 3650 days.")]
    public TimeSpan IncidentRetention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>
    /// How long an instance holds a live call without renewing its lease (it renews every third of this); after a crash,
    /// the call can be resumed on another instance once this has passed.
    /// </summary>
    /// <value>The default value is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ParseLimitsInInvariantCulture = true, ErrorMessage = "Redis CallLeaseTime must be between 1 second and 10 minutes.")]
    public TimeSpan CallLeaseTime { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a call's saved state is kept once no instance holds it (crashed and never resumed) or after it ended.</summary>
    /// <value>The default value is 1 hour.</value>
    [Range(typeof(TimeSpan), "00:00:10", "7.00:00:00", ParseLimitsInInvariantCulture = true, ErrorMessage = "Redis CallStateRetention must be between 10 seconds and 7 days.")]
    public TimeSpan CallStateRetention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long one attempt to connect to Redis may take.</summary>
    /// <value>The default value is 5 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00", ParseLimitsInInvariantCulture = true, ErrorMessage = "Redis ConnectTimeout must be between 100 ms and 5 minutes.")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one Redis command may take before it counts as failed (the outbox then retries it).</summary>
    /// <value>The default value is 5 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00", ParseLimitsInInvariantCulture = true, ErrorMessage = "Redis OperationTimeout must be between 100 ms and 5 minutes.")]
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long disposing the publisher or the incident store waits for what is queued to reach Redis.</summary>
    /// <value>The default value is 5 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00", ParseLimitsInInvariantCulture = true, ErrorMessage = "Redis ShutdownFlushTimeout must be between 0 and 5 minutes.")]
    public TimeSpan ShutdownFlushTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A file on local disk where every alert taken into the outbox is written before <see cref="RedisAlertPublisher.Raise"/>
    /// returns, so alerts still waiting for Redis survive a crash or a restart and are published at the next start; null
    /// for none (alerts waiting are then lost with the process). One instance per file: a second one is refused.
    /// </summary>
    /// <value>The default value is null: no journal.</value>
    [MinLength(1, ErrorMessage = "Redis OutboxJournalPath must name a file, or be left unset for no journal.")]
    public string? OutboxJournalPath { get; set; }

    /// <summary>When the outbox journal is forced to disk (fsync); every append is written to the file at once whatever the setting.</summary>
    /// <value>The default value is <see cref="JournalFlushPolicy.EverySecond"/>.</value>
    [EnumDataType(typeof(JournalFlushPolicy), ErrorMessage = "Redis JournalFlush must be EveryWrite, EverySecond or OperatingSystem.")]
    public JournalFlushPolicy JournalFlush { get; set; } = JournalFlushPolicy.EverySecond;

    /// <summary>How large the outbox journal may grow before it is compacted to the alerts still waiting.</summary>
    /// <value>The default value is 64 MiB.</value>
    [Range(16L * 1024, 1024L * 1024 * 1024 * 1024, ErrorMessage = "Redis MaxJournalBytes must be between 16 KiB (16384) and 1 TiB.")]
    public long MaxJournalBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Throws a <see cref="ValidationException"/> listing every invalid setting.</summary>
    /// <exception cref="ValidationException">A setting is out of range.</exception>
    public void Validate()
    {
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(this, new ValidationContext(this), results, validateAllProperties: true))
        {
            throw new ValidationException(string.Join(" ", results.Select(r => r.ErrorMessage)));
        }
    }
}
