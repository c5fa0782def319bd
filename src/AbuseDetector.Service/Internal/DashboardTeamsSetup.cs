using AbuseDetector.Web;
using Microsoft.Extensions.Options;

namespace AbuseDetector.Service.Internal;

/// <summary>Gives the pages the teams and tokens configured under each tenant, beside its API keys.</summary>
internal sealed class DashboardTeamsSetup(IOptions<AbuseDetectorServiceOptions> service) : IConfigureOptions<DashboardOptions>
{
    public void Configure(DashboardOptions options)
    {
        AbuseDetectorServiceOptions settings;
        try
        {
            settings = service.Value;
        }
        catch (OptionsValidationException)
        {
            // The service's own start-up validation stops start-up with this sentence; saying it twice helps nobody.
            return;
        }

        foreach (var tenant in settings.Tenants)
        {
            foreach (var team in tenant.Teams)
            {
                options.Teams.Add(new TeamSignIn(tenant.TenantId ?? string.Empty, team.TeamId ?? string.Empty, [.. team.SupervisorTokens], [.. team.AgentTokens]));
            }
        }
    }
}
