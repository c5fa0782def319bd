namespace AbuseDetector.Alerts.Redis;

/// <summary>
/// When the outbox journal is forced to disk. Every append is handed to the operating system before
/// <see cref="RedisAlertPublisher.Raise"/> returns, so a crash of the process alone loses nothing whatever the policy;
/// the policy decides what a power loss or a kernel crash may take.
/// </summary>
public enum JournalFlushPolicy
{
    /// <summary>fsync after every append: nothing is lost even on power loss; each raise then waits for the disk.</summary>
    EveryWrite,

    /// <summary>fsync once a second when something was written: a power loss loses at most the last second of alerts.</summary>
    EverySecond,

    /// <summary>Never fsync; the operating system writes back when it chooses (often within 30 seconds).</summary>
    OperatingSystem,
}
