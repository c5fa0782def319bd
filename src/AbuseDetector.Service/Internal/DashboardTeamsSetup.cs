using AbuseDetector.Web;
using Microsoft.Extensions.Options;

namespace AbuseDetector.Service.Internal;

/// <summary>Gives the pages the teams and tokens configured under each tenant, beside its API keys.</summary>
internal sealed class DashboardTeamsSetup(IOptions<AbuseDetectorServiceOptions> service) : IConfigureOptions<DashboardOptions>
{
    public void Configure(DashboardOptions options)
    {
        foreach (var tenant in service.Value.Tenants)
        {
            foreach (var team in tenant.Teams)
            {
                options.Teams.Add(new TeamSignIn(tenant.TenantId ?? string.Empty, team.TeamId ?? string.Empty, [.. team.SupervisorTokens], [.. team.AgentTokens]));
            }
        }
    }
}
