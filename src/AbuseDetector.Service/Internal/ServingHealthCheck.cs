using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AbuseDetector.Service.Internal;

/// <summary>Whether calls can be scored: unhealthy until the model is loaded, and again once the host starts stopping.</summary>
internal sealed class ServingHealthCheck(LoadedModel model, IHostApplicationLifetime lifetime) : IHealthCheck
{
    private static readonly Task<HealthCheckResult> NotLoaded = Task.FromResult(HealthCheckResult.Unhealthy("model not loaded"));
    private static readonly Task<HealthCheckResult> Stopping = Task.FromResult(HealthCheckResult.Unhealthy("shutting down"));
    private static readonly Task<HealthCheckResult> Serving = Task.FromResult(HealthCheckResult.Healthy("scoring calls"));

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        !model.IsLoaded ? NotLoaded : lifetime.ApplicationStopping.IsCancellationRequested ? Stopping : Serving;
}
