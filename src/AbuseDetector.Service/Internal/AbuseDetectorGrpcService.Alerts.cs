using AbuseDetector.Monitoring;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using V1 = AbuseDetector.Contracts.V1;

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

    private static readonly Status HistoryNeedsRedis = new(StatusCode.FailedPrecondition, "since_history_id needs Redis, and this service runs with --redis none.");
    private static readonly Status MissingTenant = new(StatusCode.InvalidArgument, "The request must carry a tenant_id.");
    private static readonly Status MissingIncidentCall = new(StatusCode.InvalidArgument, "GetIncidentRequest must carry a call_id.");
    private static readonly Status IncidentNotFound = new(StatusCode.NotFound, "No incident is kept for this call: it had none, or it is past retention.");
    private static readonly Status BadHistoryId = new(StatusCode.InvalidArgument, $"since_history_id must be {HistoryId.Expected}.");
    private static readonly Status LimitTooHigh = new(StatusCode.InvalidArgument, "limit must be at most 1000.");
    private static readonly Status AlertsUnavailable = new(StatusCode.Unavailable, "Alerts cannot be watched now: Redis does not answer; try again shortly.");
    private static readonly Status MissingWatchScope = new(StatusCode.InvalidArgument, "WatchAlertsRequest must name a team_id or an agent_id.");
    private static readonly Status WatcherFellBehind = new(StatusCode.ResourceExhausted, $"The watcher read too slowly and fell more than {InProcessAlerts.WatcherBufferSize} alerts behind; watch again with since_history_id to catch up.");

    public override async Task WatchAlerts(V1.WatchAlertsRequest request, IServerStreamWriter<V1.Alert> responseStream, ServerCallContext context)
    {
        var stopping = lifetime.ApplicationStopping;
        var (scope, since) = CheckWatch(request, context);
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, stopping);
        IAlertWatch watch;
        try
        {
            watch = await alertFeed.WatchAsync(scope, since, ending.Token);
        }
        catch (AlertHistoryNotKeptException)
        {
            throw RejectRequest(HistoryNeedsRedis, "WatchAlerts");
        }
        catch (AlertFeedUnavailableException)
        {
            throw RejectRequest(AlertsUnavailable, "WatchAlerts");
        }

        await using (watch)
        {
            try
            {
                // The watch is in place: headers now tell the client so, before the first alert.
                await context.WriteResponseHeadersAsync([]);
                await foreach (var watched in watch.ReadAllAsync(ending.Token))
                {
                    await responseStream.WriteAsync(watched.Alert.ToContract(watched.HistoryId), ending.Token);
                }
            }
            catch (AlertFeedOverflowException)
            {
                throw RejectRequest(WatcherFellBehind, "WatchAlerts");
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
            {
                throw new RpcException(ShuttingDown);
            }
        }
    }

    public override async Task<V1.Incident> GetIncident(V1.GetIncidentRequest request, ServerCallContext context)
    {
        CheckTenant(request.TenantId, context, "GetIncident");
        if (request.CallId.Length == 0)
        {
            throw RejectRequest(MissingIncidentCall, "GetIncident");
        }

        if (CheckIdLengths(("call_id", request.CallId)) is { } tooLong)
        {
            throw RejectRequest(tooLong, "GetIncident");
        }

        var incident = await ReadIncidentsAsync(() => incidents.GetAsync(request.TenantId, request.CallId, context.CancellationToken), "GetIncident");
        return incident?.ToContract() ?? throw new RpcException(IncidentNotFound);
    }

    public override async Task<V1.ListIncidentsResponse> ListIncidents(V1.ListIncidentsRequest request, ServerCallContext context)
    {
        CheckTenant(request.TenantId, context, "ListIncidents");
        if (request.Limit > MaxIncidentLimit)
        {
            throw RejectRequest(LimitTooHigh, "ListIncidents");
        }

        if (CheckIdLengths(("team_id", request.TeamId), ("agent_id", request.AgentId), ("customer_id", request.CustomerId)) is { } tooLong)
        {
            throw RejectRequest(tooLong, "ListIncidents");
        }

        var filter = new IncidentFilter(
            NullIfEmpty(request.TeamId),
            NullIfEmpty(request.AgentId),
            NullIfEmpty(request.CustomerId),
            ReadTime(request.From, "from"),
            ReadTime(request.To, "to"));
        var limit = request.Limit == 0 ? DefaultIncidentLimit : (int)request.Limit;
        var found = await ReadIncidentsAsync(() => incidents.ListAsync(request.TenantId, filter, limit, context.CancellationToken), "ListIncidents");
        var response = new V1.ListIncidentsResponse();
        response.Incidents.AddRange(found.Select(i => i.ToContract()));
        return response;
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    /// <summary>A filter time, or INVALID_ARGUMENT for a timestamp no clock can show (nanos out of range, past year 9999).</summary>
    private DateTimeOffset? ReadTime(Timestamp? time, string field)
    {
        try
        {
            return time?.ToDateTimeOffset();
        }
        catch (InvalidOperationException)
        {
            throw RejectRequest(new Status(StatusCode.InvalidArgument, $"{field} must be a valid timestamp between year 1 and year 9999."), "ListIncidents");
        }
    }

    /// <summary>Reads from the incident store, turning its failures into statuses a client can act on.</summary>
    private async Task<T> ReadIncidentsAsync<T>(Func<Task<T>> read, string method)
    {
        try
        {
            return await read();
        }
        catch (IncidentsNotKeptException ex)
        {
            throw RejectRequest(new Status(StatusCode.FailedPrecondition, ex.Message), method);
        }
        catch (IncidentStoreUnavailableException)
        {
            throw RejectRequest(new Status(StatusCode.Unavailable, "Incidents cannot be read now: Redis does not answer; try again shortly."), method);
        }
    }

    /// <summary>Checks the request names a tenant the caller may act for, within the identifier length limit.</summary>
    private void CheckTenant(string tenantId, ServerCallContext context, string method)
    {
        if (tenantId.Length == 0)
        {
            throw RejectRequest(MissingTenant, method);
        }

        if (CheckIdLengths(("tenant_id", tenantId)) is { } tooLong)
        {
            throw RejectRequest(tooLong, method);
        }

        if (!TenantAccess.MayActFor(context, tenantId))
        {
            throw RejectRequest(WrongTenant, method);
        }
    }

    /// <summary>Checks the caller may watch and returns the scope (exactly one of team and agent) and where to resume.</summary>
    private (AlertScope Scope, HistoryId? Since) CheckWatch(V1.WatchAlertsRequest request, ServerCallContext context)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            throw RejectRequest(ShuttingDown, "WatchAlerts");
        }

        CheckTenant(request.TenantId, context, "WatchAlerts");
        HistoryId? since = null;
        if (request.SinceHistoryId.Length > 0)
        {
            if (!HistoryId.TryParse(request.SinceHistoryId, out var id))
            {
                throw RejectRequest(BadHistoryId, "WatchAlerts");
            }

            if (!alertFeed.KeepsHistory)
            {
                throw RejectRequest(HistoryNeedsRedis, "WatchAlerts");
            }

            since = id;
        }

        if (CheckIdLengths(("team_id", request.TeamId), ("agent_id", request.AgentId)) is { } tooLong)
        {
            throw RejectRequest(tooLong, "WatchAlerts");
        }

        return request.ScopeCase switch
        {
            V1.WatchAlertsRequest.ScopeOneofCase.TeamId when request.TeamId.Length > 0 => (AlertScope.Team(request.TenantId, request.TeamId), since),
            V1.WatchAlertsRequest.ScopeOneofCase.AgentId when request.AgentId.Length > 0 => (AlertScope.Agent(request.TenantId, request.AgentId), since),
            _ => throw RejectRequest(MissingWatchScope, "WatchAlerts"),
        };
    }
}
