using System.Threading.Channels;
using AbuseDetector.Contracts.V1;
using AbuseDetector.Transport.Grpc;

namespace AbuseDetector.Service.Internal;

/// <summary>WatchAlerts: the alerts of one team or agent, for clients that cannot reach Redis.</summary>
internal sealed partial class AbuseDetectorGrpcService
{
    private static readonly GrpcStatus MissingWatchTenant = new(GrpcStatusCode.InvalidArgument, "WatchAlertsRequest must carry a tenant_id.");
    private static readonly GrpcStatus MissingWatchScope = new(GrpcStatusCode.InvalidArgument, "WatchAlertsRequest must name a team_id or an agent_id.");
    private static readonly GrpcStatus WrongWatchTenant = new(GrpcStatusCode.PermissionDenied, "The API key does not belong to the request's tenant_id.");
    private static readonly GrpcStatus AgentHasNoHistory = new(GrpcStatusCode.InvalidArgument, "since_history_id replays a team's history; an agent's alerts have none.");
    private static readonly GrpcStatus WatcherFellBehind = new(GrpcStatusCode.ResourceExhausted, "The watcher read too slowly and fell more than 1024 alerts behind; watch again with since_history_id to catch up.");

    internal async Task WatchAlertsAsync(WatchAlertsRequest request, IServerStreamWriter<Alert> responses, ServerCallContext context)
    {
        var stopping = lifetime.ApplicationStopping;
        var (teamId, agentId) = CheckWatch(request, context);
        using var watcher = alertHub.Watch(request.TenantId, teamId, agentId);
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, stopping);
        try
        {
            await foreach (var alert in watcher.Alerts.ReadAllAsync(ending.Token))
            {
                await responses.WriteAsync(alert.ToContract(), ending.Token);
            }
        }
        catch (AlertWatcherOverflowException)
        {
            throw Reject(WatcherFellBehind);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            throw new GrpcRpcException(ShuttingDown);
        }
        catch (ChannelClosedException ex) when (ex.InnerException is AlertWatcherOverflowException)
        {
            throw Reject(WatcherFellBehind);
        }
    }

    /// <summary>Checks the caller may watch and returns the scope: exactly one of team and agent.</summary>
    private (string? TeamId, string? AgentId) CheckWatch(WatchAlertsRequest request, ServerCallContext context)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            throw Reject(ShuttingDown);
        }

        if (!authenticator.TryAuthenticate(context.RequestHeaders, out var authenticatedTenant))
        {
            throw Reject(Unauthenticated);
        }

        if (request.TenantId.Length == 0)
        {
            throw Reject(MissingWatchTenant);
        }

        if (!ApiKeyAuthenticator.MayActFor(authenticatedTenant, request.TenantId))
        {
            throw Reject(WrongWatchTenant);
        }

        return request.ScopeCase switch
        {
            WatchAlertsRequest.ScopeOneofCase.TeamId when request.TeamId.Length > 0 => (request.TeamId, null),
            WatchAlertsRequest.ScopeOneofCase.AgentId when request.AgentId.Length > 0 && request.SinceHistoryId.Length > 0 => throw Reject(AgentHasNoHistory),
            WatchAlertsRequest.ScopeOneofCase.AgentId when request.AgentId.Length > 0 => (null, request.AgentId),
            _ => throw Reject(MissingWatchScope),
        };
    }
}
