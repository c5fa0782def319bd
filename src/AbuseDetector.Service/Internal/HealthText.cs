using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AbuseDetector.Service.Internal;

/// <summary>GET /health's body: <c>healthy</c>, <c>degraded: why</c>, or why the service cannot serve.</summary>
internal static class HealthText
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        var problems = string.Join("; ", report.Entries.Values.Where(e => e.Status != HealthStatus.Healthy).Select(e => e.Description));
        var text = report.Status switch
        {
            HealthStatus.Healthy => "healthy",
            HealthStatus.Degraded => $"degraded: {problems}",
            _ => problems,
        };
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(text, context.RequestAborted);
    }
}
