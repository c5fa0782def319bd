using System.Globalization;
using AbuseDetector.Monitoring;
using Grpc.Core;
using Microsoft.Extensions.Options;
using V1 = AbuseDetector.Contracts.V1;

namespace AbuseDetector.Service.Internal;

/// <summary>
/// The abuse_detector.v1.AbuseDetector service: maps the protobuf contract to the call monitor and back. Callers are
/// authenticated by <see cref="ApiKeyAuthenticationHandler"/> before any request message is read; this class checks that
/// the tenant they ask for is theirs. A call stream ends with DEADLINE_EXCEEDED after IdleStreamTimeout without an
/// event, and with UNAVAILABLE as soon as the host starts stopping.
/// </summary>
internal sealed partial class AbuseDetectorGrpcService(
    LoadedModel model,
    CallMonitoring monitoring,
    LiveCallRegistry calls,
    IAlertFeed alertFeed,
    IIncidentStore incidents,
    IHostApplicationLifetime lifetime,
    TimeProvider timeProvider,
    IOptions<AbuseDetectorServiceOptions> options,
    ServiceMetrics metrics,
    ILogger<AbuseDetectorGrpcService> logger) : V1.AbuseDetector.AbuseDetectorBase
{
    /// <summary>The service's full name, as in the contract and in grpc.health.v1.</summary>
    public static readonly string ServiceName = V1.AbuseDetector.Descriptor.FullName;

    private static readonly Status EmptyText = new(StatusCode.InvalidArgument, "The text to classify is empty.");
    private static readonly Status WrongTenant = new(StatusCode.PermissionDenied, "The API key does not belong to the request's tenant_id.");
    private static readonly Status ShuttingDown = new(StatusCode.Unavailable, "the service is shutting down");

    public override Task<V1.ClassifyResponse> Classify(V1.ClassifyRequest request, ServerCallContext context)
    {
        metrics.ClassifyRequested();
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            throw RejectClassify(ShuttingDown);
        }

        var maxTextLength = options.Value.MaxTextLength;
        if (request.Text.Length == 0)
        {
            throw new RpcException(EmptyText);
        }

        if (request.Text.Length > maxTextLength)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"The text is longer than {maxTextLength} characters."));
        }

        var classifier = model.Classifier;
        var classification = classifier.Classify(request.Text);
        var response = new V1.ClassifyResponse { ModelName = classifier.ModelName, Profanity = classification.Profanity.ToContract() };
        ContractMapping.AddResults(classifier, classification, request.Text, response.Scores, response.Evidence);
        return Task.FromResult(response);
    }

    /// <summary>INVALID_ARGUMENT naming the first identifier that is longer than <see cref="AbuseDetectorServiceOptions.MaxIdLength"/> bytes, or null.</summary>
    private Status? CheckIdLengths(params ReadOnlySpan<(string Name, string Value)> ids)
    {
        var limit = options.Value.MaxIdLength;
        foreach (var (name, value) in ids)
        {
            // UTF-8 takes at most 3 bytes per UTF-16 unit: count bytes only for values that might be too long.
            if (value.Length * 3 > limit && System.Text.Encoding.UTF8.GetByteCount(value) > limit)
            {
                return new Status(StatusCode.InvalidArgument, string.Create(CultureInfo.InvariantCulture, $"{name} is longer than {limit} bytes."));
            }
        }

        return null;
    }

    private RpcException RejectClassify(Status status)
    {
        ServiceLog.ClassifyRejected(logger, status.StatusCode.ToString());
        return new RpcException(status);
    }

    /// <summary>Refuses a WatchAlerts, GetIncident or ListIncidents request: logged, but not counted as a refused call stream.</summary>
    private RpcException RejectRequest(Status status, string method)
    {
        ServiceLog.RequestRejected(logger, method, status.StatusCode.ToString());
        return new RpcException(status);
    }
}
