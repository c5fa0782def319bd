using System.ComponentModel.DataAnnotations;

namespace AbuseDetector.Monitoring;

/// <summary>
/// How the rules across calls judge a caller's and an agent's history, bound from the <c>AbuseDetector:Alerts</c> section
/// (which also holds the Redis delivery settings).
/// </summary>
public sealed class CallHistoryOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "AbuseDetector:Alerts";

    /// <summary>Gets or sets how far back a caller's incidents count for the repeat_caller heads-up at call start.</summary>
    /// <value>The default value is 30 days.</value>
    [Range(typeof(TimeSpan), "01:00:00", "365.00:00:00", ParseLimitsInInvariantCulture = true, ErrorMessage = "RepeatCallerWindow must be between 1 hour and 365 days.")]
    public TimeSpan RepeatCallerWindow { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Gets or sets the shift window over which an agent's abusive calls are counted for the agent_wellbeing alert.</summary>
    /// <value>The default value is 8 hours.</value>
    [Range(typeof(TimeSpan), "00:10:00", "1.00:00:00", ParseLimitsInInvariantCulture = true, ErrorMessage = "WellbeingShiftWindow must be between 10 minutes and 1 day.")]
    public TimeSpan WellbeingShiftWindow { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Gets or sets the abusive calls in a row (no calm call between) after which the team is told the agent may need a break.</summary>
    /// <value>The default value is 3.</value>
    [Range(2, 100, ErrorMessage = "WellbeingCallsInARow must be between 2 and 100.")]
    public int WellbeingCallsInARow { get; set; } = 3;

    /// <summary>Gets or sets the abusive calls within the shift window after which the team is told, in a row or not.</summary>
    /// <value>The default value is 5.</value>
    [Range(2, 1000, ErrorMessage = "WellbeingCallsPerShift must be between 2 and 1000.")]
    public int WellbeingCallsPerShift { get; set; } = 5;

    /// <summary>Gets or sets how long call start waits for the caller's history before going on without the repeat_caller heads-up.</summary>
    /// <value>The default value is 250 milliseconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:05", ParseLimitsInInvariantCulture = true, ErrorMessage = "HistoryLookupTimeout must be between 10 ms and 5 s.")]
    public TimeSpan HistoryLookupTimeout { get; set; } = TimeSpan.FromMilliseconds(250);
}
