namespace AbuseDetector.Service;

/// <summary>
/// Registers the service's parts, one concern per method: <see cref="AddAbuseDetectorDetection"/>,
/// <see cref="AddAbuseDetectorMonitoring"/>, <see cref="AddAbuseDetectorAlerts"/>, <see cref="AddAbuseDetectorGrpc"/> and
/// <see cref="AddAbuseDetectorTelemetry"/>.
/// </summary>
public static partial class AbuseDetectorServiceCollectionExtensions
{
    /// <summary>The tag of the health checks GET /health reports.</summary>
    internal const string HttpHealthTag = "http";

    /// <summary>The tag of the checks behind grpc.health.v1 for the server ("") and abuse_detector.v1.AbuseDetector.</summary>
    internal const string ServingHealthTag = "serving";

    /// <summary>The tag of the checks behind grpc.health.v1 for <see cref="AlertsHealthServiceName"/>.</summary>
    internal const string AlertsHealthTag = "alerts";

    /// <summary>
    /// The grpc.health.v1 service name that reports alert delivery: NOT_SERVING while alerts cannot reach Redis (they wait in
    /// the outbox), while "" and the AbuseDetector service stay SERVING because calls are still scored.
    /// </summary>
    public const string AlertsHealthServiceName = "abuse_detector.v1.AbuseDetector.Alerts";
}
