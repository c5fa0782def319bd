using AbuseDetector.Detection;
using AbuseDetector.Escalation;
using AbuseDetector.Monitoring;
using AbuseDetector.Service.Internal;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AbuseDetector.Service;

public static partial class AbuseDetectorServiceCollectionExtensions
{
    /// <summary>
    /// Adds call monitoring: the protocol's settings (<c>AbuseDetector:Escalation</c>) and script lines, the rules across
    /// calls (<c>AbuseDetector:Alerts</c>), the registry of live calls and <see cref="CallMonitoring"/>, which delivers
    /// through whatever <see cref="AddAbuseDetectorAlerts"/> registered.
    /// </summary>
    public static IServiceCollection AddAbuseDetectorMonitoring(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<EscalationOptions>().BindConfiguration(EscalationOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<CallHistoryOptions>().BindConfiguration(CallHistoryOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(provider => new ScriptBook(provider.GetRequiredService<IOptions<EscalationOptions>>().Value.Scripts));
        services.TryAddSingleton<LiveCallRegistry>();
        services.TryAddSingleton(provider =>
        {
            var model = provider.GetRequiredService<LoadedModel>();
            return new CallMonitoring(
                () => model.Classifier,
                provider.GetRequiredService<IOptions<EscalationOptions>>().Value,
                provider.GetRequiredService<ScriptBook>(),
                provider.GetRequiredService<IOptions<ShoutingOptions>>().Value,
                provider.GetRequiredService<IOptions<AbuseDetectorServiceOptions>>().Value.MaxTextLength,
                provider.GetRequiredService<IAlertSink>(),
                provider.GetRequiredService<IIncidentStore>(),
                provider.GetRequiredService<IOptions<CallHistoryOptions>>().Value,
                provider.GetRequiredService<ICallStateStore>(),
                provider.GetRequiredService<TimeProvider>());
        });
        return services;
    }
}
