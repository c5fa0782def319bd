using AbuseDetector.Web.Internal;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AbuseDetector.Web;

/// <summary>Adds and maps the supervisor dashboard and the agent panel.</summary>
public static class DashboardServiceCollectionExtensions
{
    /// <summary>
    /// Adds the pages' settings (<c>AbuseDetector:Dashboard</c>, validated at start), sign-in and sessions, and the
    /// embedded pages. Needs call monitoring's <c>LiveCallRegistry</c>, an <c>IAlertFeed</c> and an <c>IIncidentStore</c>.
    /// </summary>
    public static IServiceCollection AddAbuseDetectorDashboard(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<DashboardOptions>().BindConfiguration(DashboardOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<Sessions>();
        services.TryAddSingleton<StaticAssets>();
        services.TryAddSingleton<SignInPages>();
        return services;
    }

    /// <summary>
    /// Maps the pages: <c>/supervisor</c> (live calls, alerts, wellbeing), <c>/supervisor/incidents</c>,
    /// <c>/supervisor/incident</c>, <c>/agent</c>, their sign-in pages, event streams and actions, and <c>/ui/…</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapAbuseDetectorDashboard(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        DashboardEndpoints.Map(endpoints);
        return endpoints;
    }
}
