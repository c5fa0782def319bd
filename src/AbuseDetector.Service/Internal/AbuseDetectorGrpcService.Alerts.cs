using System.Runtime.CompilerServices;
using AbuseDetector.Alerts.Redis;
using AbuseDetector.Contracts.V1;
using AbuseDetector.Transport.Grpc;

namespace AbuseDetector.Service.Internal;

/// <summary>
/// WatchAlerts (the alerts of one team or agent, for clients that cannot reach Redis), GetIncident and ListIncidents.
/// With Redis on, a watch reads Redis, so it sees the alerts of every instance and can replay a team's or an agent's
/// history.
/// </summary>
internal sealed partial class AbuseDetectorGrpcService
{
    private const int DefaultIncidentLimit = 100;
    private const int MaxIncidentLimit = 1000;
    private const string WholeHistory = "0";

    private static readonly GrpcStatus HistoryNeedsRedis = new(GrpcStatusCode.FailedPrecondition, "since_history_id needs Redis, and this service runs with --redis none.");
    private static readonly GrpcStatus IncidentsNeedRedis = new(GrpcStatusCode.FailedPrecondition, "Incidents are kept in Redis, and this service runs with --redis none.");
    private static readonly GrpcStatus MissingIncidentTenant = new(GrpcStatusCode.InvalidArgument, "The request must carry a tenant_id.");
    private static readonly GrpcStatus MissingIncidentCall = new(GrpcStatusCode.InvalidArgument, "GetIncidentRequest must carry a call_id.");
    private static readonly GrpcStatus IncidentNotFound = new(GrpcStatusCode.NotFound, "No incident is kept for this call: it had none, or it is past retention.");
    private static readonly GrpcStatus BadHistoryId = new(GrpcStatusCode.InvalidArgument, "since_history_id must be a history id such as 1700000000000-0, or 0 for the whole history.");
    private static readonly GrpcStatus LimitTooHigh = new(GrpcStatusCode.InvalidArgument, "limit must be at most 1000.");
    private static readonly GrpcStatus MissingWatchTenant = new(GrpcStatusCode.InvalidArgument, "WatchAlertsRequest must carry a tenant_id.");
    private static readonly GrpcStatus MissingWatchScope = new(GrpcStatusCode.InvalidArgument, "WatchAlertsRequest must name a team_id or an agent_id.");
    private static readonly GrpcStatus WrongWatchTenant = new(GrpcStatusCode.PermissionDenied, "The API key does not belong to the request's tenant_id.");
    private static readonly GrpcStatus WatcherFellBehind = new(GrpcStatusCode.ResourceExhausted, "The watcher read too slowly and fell more than 1024 alerts behind; watch again with since_history_id to catch up.");

    internal async Task WatchAlertsAsync(WatchAlertsRequest request, IServerStreamWriter<Alert> responses, ServerCallContext context)
    {
        var stopping = lifetime.ApplicationStopping;
        var (teamId, agentId) = CheckWatch(request, context);
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, stopping);

        // Headers now, so a client knows the watch is in place before the first alert.
        await context.WriteResponseHeadersAsync(cancellationToken: ending.Token);
        try
        {
            if (redis.Watcher is { } redisWatcher)
            {
                await foreach (var alert in WatchRedisAsync(redisWatcher, request, teamId, agentId, ending.Token))
                {
                    await responses.WriteAsync(alert, ending.Token);
                }

                return;
            }

            if (request.SinceHistoryId.Length > 0)
            {
                throw RejectRequest(HistoryNeedsRedis, "WatchAlerts");
            }

            using var watcher = alertHub.Watch(request.TenantId, teamId, agentId);
            await foreach (var alert in watcher.Alerts.ReadAllAsync(ending.Token))
            {
                await responses.WriteAsync(alert.ToContract(), ending.Token);
            }
        }
        catch (AlertWatcherOverflowException)
        {
            throw RejectRequest(WatcherFellBehind, "WatchAlerts");
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            throw new GrpcRpcException(ShuttingDown);
        }
    }

    internal async Task<Incident> GetIncidentAsync(GetIncidentRequest request, ServerCallContext context)
    {
        var store = CheckIncidentAccess(request.TenantId, context, "GetIncident");
        if (request.CallId.Length == 0)
        {
            throw RejectRequest(MissingIncidentCall, "GetIncident");
        }

        var incident = await store.GetAsync(request.TenantId, request.CallId, context.CancellationToken);
        return incident?.ToContract() ?? throw new GrpcRpcException(IncidentNotFound);
    }

    internal async Task<ListIncidentsResponse> ListIncidentsAsync(ListIncidentsRequest request, ServerCallContext context)
    {
        var store = CheckIncidentAccess(request.TenantId, context, "ListIncidents");
        if (request.Limit > MaxIncidentLimit)
        {
            throw RejectRequest(LimitTooHigh, "ListIncidents");
        }

        var filter = new IncidentFilter(
            NullIfEmpty(request.TeamId),
            NullIfEmpty(request.AgentId),
            NullIfEmpty(request.CustomerId),
            request.From?.ToDateTimeOffset(),
            request.To?.ToDateTimeOffset());
        var limit = request.Limit == 0 ? DefaultIncidentLimit : (int)request.Limit;
        var incidents = await store.ListAsync(request.TenantId, filter, limit, context.CancellationToken);
        var response = new ListIncidentsResponse();
        response.Incidents.AddRange(incidents.Select(i => i.ToContract()));
        return response;
    }

    /// <summary>Refuses a WatchAlerts, GetIncident or ListIncidents request: logged, but not counted as a refused call stream.</summary>
    private GrpcRpcException RejectRequest(GrpcStatus status, string method)
    {
        ServiceLog.RequestRejected(logger, method, status.Code.ToString());
        return new GrpcRpcException(status);
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    /// <summary>"0", or a Redis stream id: milliseconds, a dash, a sequence number.</summary>
    private static bool IsHistoryId(string id)
    {
        var dash = id.IndexOf('-', StringComparison.Ordinal);
        return id == WholeHistory
            || (dash > 0 && dash < id.Length - 1 && id.AsSpan(0, dash).IndexOfAnyExceptInRange('0', '9') < 0 && id.AsSpan(dash + 1).IndexOfAnyExceptInRange('0', '9') < 0);
    }

    /// <summary>Alerts from Redis: a team's or an agent's history after since_history_id, then live.</summary>
    private async IAsyncEnumerable<Alert> WatchRedisAsync(
        AlertWatcher watcher, WatchAlertsRequest request, string? teamId, string? agentId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Live only: resume just before now, so an alert raised while the watch starts is not missed.
        var since = request.SinceHistoryId switch
        {
            "" => $"{timeProvider.GetUtcNow().AddSeconds(-1).ToUnixTimeMilliseconds()}-0",
            WholeHistory => null,
            var id => id,
        };
        var entries = agentId is not null
            ? watcher.WatchAgentAsync(request.TenantId, agentId, since, cancellationToken)
            : watcher.WatchTeamAsync(request.TenantId, teamId!, since, cancellationToken);
        await foreach (var entry in entries)
        {
            yield return entry.Alert.ToContract(entry.StreamId);
        }
    }

    private RedisIncidentStore CheckIncidentAccess(string tenantId, ServerCallContext context, string method)
    {
        if (!authenticator.TryAuthenticate(context.RequestHeaders, out var authenticatedTenant))
        {
            throw RejectRequest(Unauthenticated, method);
        }

        if (tenantId.Length == 0)
        {
            throw RejectRequest(MissingIncidentTenant, method);
        }

        if (!ApiKeyAuthenticator.MayActFor(authenticatedTenant, tenantId))
        {
            throw RejectRequest(WrongWatchTenant, method);
        }

        return redis.Incidents ?? throw RejectRequest(IncidentsNeedRedis, method);
    }

    /// <summary>Checks the caller may watch and returns the scope: exactly one of team and agent.</summary>
    private (string? TeamId, string? AgentId) CheckWatch(WatchAlertsRequest request, ServerCallContext context)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            throw RejectRequest(ShuttingDown, "WatchAlerts");
        }

        if (!authenticator.TryAuthenticate(context.RequestHeaders, out var authenticatedTenant))
        {
            throw RejectRequest(Unauthenticated, "WatchAlerts");
        }

        if (request.TenantId.Length == 0)
        {
            throw RejectRequest(MissingWatchTenant, "WatchAlerts");
        }

        if (!ApiKeyAuthenticator.MayActFor(authenticatedTenant, request.TenantId))
        {
            throw RejectRequest(WrongWatchTenant, "WatchAlerts");
        }

        return request.ScopeCase switch
        {
            _ when request.SinceHistoryId.Length > 0 && !IsHistoryId(request.SinceHistoryId) => throw RejectRequest(BadHistoryId, "WatchAlerts"),
            WatchAlertsRequest.ScopeOneofCase.TeamId when request.TeamId.Length > 0 => (request.TeamId, null),
            WatchAlertsRequest.ScopeOneofCase.AgentId when request.AgentId.Length > 0 => (null, request.AgentId),
            _ => throw RejectRequest(MissingWatchScope, "WatchAlerts"),
        };
    }
}
