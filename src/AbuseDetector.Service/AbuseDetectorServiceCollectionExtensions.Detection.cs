using AbuseDetector.Detection;
using AbuseDetector.Service.Internal;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AbuseDetector.Service;

public static partial class AbuseDetectorServiceCollectionExtensions
{
    /// <summary>Adds the model, loaded once at start (a corrupt model stops start-up), and the shouting detector's settings (<c>AbuseDetector:Shouting</c>).</summary>
    public static IServiceCollection AddAbuseDetectorDetection(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<ShoutingOptions>().BindConfiguration(ShoutingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<LoadedModel>();
        services.AddHostedService<ModelLoadingService>();
        return services;
    }
}
