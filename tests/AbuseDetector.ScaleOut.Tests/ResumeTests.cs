using AbuseDetector.Client;
using AbuseDetector.Contracts.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace AbuseDetector.ScaleOut.Tests;

/// <summary>
/// Calls that outlive their instance: two service processes behind nginx on one real Redis, one killed or both restarted
/// while calls stream; the client library resumes each call on the instance still up.
/// </summary>
public sealed class ResumeTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private const string ApiKey = "scale-out-api-key-000002";

    // Short, so a killed instance's calls can be taken within seconds; renewed every third of it.
    private const string LeaseTime = "00:00:02";

    [Fact]
    public async Task SigkillMidCall_CallsResumedOnTheOtherInstance_EachEndsAtItsLevelWithEachAlertOnce()
    {
        // Arrange
        var tenant = RedisServerFixture.NewTenant();
        await using var deployment = await Deployment.StartAsync(redis.Configuration, tenant);
        var client = deployment.Client;
        var control = await ScriptedCall.RunAsync(client, ScriptedCall.Start(tenant, "control", "agent-control"), TimeSpan.Zero);
        const int Calls = 16;

        // Act: half-way through every call, the first instance dies; it comes back on its port (its outbox journal with it).
        var killed = new Lazy<Task>(() => deployment.KillFirstAsync());
        var records = await Task.WhenAll(Enumerable.Range(0, Calls).Select(i =>
            ScriptedCall.RunAsync(client, ScriptedCall.Start(tenant, $"kill-{i}", $"agent-{i}"), TimeSpan.FromMilliseconds(300), () => killed.Value)));
        await deployment.RestartFirstAsync();

        // Assert: calls on the killed instance were resumed; every call saw each chunk assessed once, ended at the
        // control's level with the control's alerts, and the team's history holds each alert once.
        Assert.True(records.Sum(r => r.Resumptions) > 0, "no call was on the killed instance");
        Assert.Equal(EscalationLevel.EndCallPermitted, control.FinalLevel);
        foreach (var record in records)
        {
            // A crash may take the answers to the last events the saved state includes; none is given twice.
            Assert.Equal(record.AssessedSeqs.Order(), record.AssessedSeqs.Distinct());
            Assert.Equal(control.FinalLevel, record.FinalLevel);
        }

        var history = await TeamHistory.ReadAsync(client, tenant, callsEnded: Calls + 1);
        Assert.Equal(history.Count, history.Select(a => a.AlertId).Distinct(StringComparer.Ordinal).Count());
        var controlTeamAlerts = TeamHistory.Summary(history.Where(a => a.CallId == "control"));
        Assert.All(records, record => Assert.Equal(controlTeamAlerts, TeamHistory.Summary(history.Where(a => a.CallId == record.CallId))));
    }

    [Fact]
    public async Task RollingRestart_TwoHundredLiveCalls_NoCallLostAndNoAlertLostOrRepeated()
    {
        // Arrange
        var tenant = RedisServerFixture.NewTenant();
        await using var deployment = await Deployment.StartAsync(redis.Configuration, tenant);
        var client = deployment.Client;
        var control = await ScriptedCall.RunAsync(client, ScriptedCall.Start(tenant, "control", "agent-control"), TimeSpan.Zero);
        const int Calls = 200;

        // Act: while 200 calls stream a chunk a second, each instance in turn is stopped (SIGTERM) and started again.
        var calls = Enumerable.Range(0, Calls)
            .Select(i => ScriptedCall.RunAsync(client, ScriptedCall.Start(tenant, $"roll-{i}", $"agent-{i}"), TimeSpan.FromSeconds(1)))
            .ToArray();
        await Task.Delay(TimeSpan.FromSeconds(2));
        await deployment.RestartFirstAsync(gracefully: true);
        await deployment.RestartSecondAsync();
        var records = await Task.WhenAll(calls);

        // Assert
        Assert.True(records.Count(r => r.Resumptions > 0) >= Calls / 2, $"{records.Count(r => r.Resumptions > 0)} calls were resumed");
        foreach (var record in records)
        {
            Assert.Equal(Enumerable.Range(1, ScriptedCall.Chunks).Select(i => (ulong)i), record.AssessedSeqs);
            Assert.Equal(control.AlertSummary, record.AlertSummary);
        }

        var history = await TeamHistory.ReadAsync(client, tenant, callsEnded: Calls + 1);
        Assert.Equal(history.Count, history.Select(a => a.AlertId).Distinct(StringComparer.Ordinal).Count());
        var controlTeamAlerts = TeamHistory.Summary(history.Where(a => a.CallId == "control"));
        Assert.All(records, record => Assert.Equal(controlTeamAlerts, TeamHistory.Summary(history.Where(a => a.CallId == record.CallId))));
        Assert.All(deployment.Output, line => Assert.DoesNotContain("Call ended (dropped)", line, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ResumeOfAnEndedCall_OnEitherInstance_FailedPrecondition()
    {
        // Arrange
        var tenant = RedisServerFixture.NewTenant();
        await using var deployment = await Deployment.StartAsync(redis.Configuration, tenant);
        var start = ScriptedCall.Start(tenant, "ended", "agent-1");
        await ScriptedCall.RunAsync(deployment.Client, start, TimeSpan.Zero);

        // Act
        start.Resume = true;
        var error = await Record.ExceptionAsync(() => ScriptedCall.RunAsync(deployment.Client, start, TimeSpan.Zero));

        // Assert
        Assert.Equal(StatusCode.FailedPrecondition, Assert.IsType<RpcException>(error).StatusCode);
    }

    /// <summary>Two service processes on one Redis behind nginx, and a client through nginx.</summary>
    private sealed class Deployment : IAsyncDisposable
    {
        private readonly string[] _settings;
        private readonly string[] _dataPaths;
        private readonly GrpcChannel _channel;
        private readonly List<string> _output = [];
        private ServiceProcess _first;
        private ServiceProcess _second;
        private NginxProcess _nginx;

        private Deployment(string[] settings, string[] dataPaths, ServiceProcess first, ServiceProcess second, NginxProcess nginx)
        {
            _settings = settings;
            _dataPaths = dataPaths;
            _first = first;
            _second = second;
            _nginx = nginx;

            // nginx takes 128 streams per connection: let the client open more.
            _channel = GrpcChannel.ForAddress(nginx.GrpcAddress, new GrpcChannelOptions { HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true } });
            Client = new AbuseDetector.Contracts.V1.AbuseDetector.AbuseDetectorClient(_channel.WithApiKey(ApiKey));
        }

        public AbuseDetector.Contracts.V1.AbuseDetector.AbuseDetectorClient Client { get; }

        /// <summary>Gets the log lines of every instance started, the stopped ones included.</summary>
        public IEnumerable<string> Output => [.. _output, .. _first.Output, .. _second.Output];

        public static async Task<Deployment> StartAsync(string redisConfiguration, string tenant)
        {
            string[] settings =
            [
                "--redis", redisConfiguration,
                $"--AbuseDetector:Tenants:0:TenantId={tenant}",
                $"--AbuseDetector:Tenants:0:ApiKeys:0={ApiKey}",
                $"--AbuseDetector:Alerts:CallLeaseTime={LeaseTime}",
            ];
            string[] dataPaths = [DataPath(), DataPath()];
            var first = await ServiceProcess.StartAsync([.. settings, $"--AbuseDetector:DataPath={dataPaths[0]}"]);
            var second = await ServiceProcess.StartAsync([.. settings, $"--AbuseDetector:DataPath={dataPaths[1]}"]);
            var nginx = await NginxProcess.StartAsync([first, second]);
            return new Deployment(settings, dataPaths, first, second, nginx);
        }

        public Task KillFirstAsync() => _first.KillAsync();

        /// <summary>Starts the first instance again on its gRPC port and data path, after stopping it when it still runs.</summary>
        public async Task RestartFirstAsync(bool gracefully = false) => _first = await RestartAsync(_first, _dataPaths[0], gracefully);

        public async Task RestartSecondAsync() => _second = await RestartAsync(_second, _dataPaths[1], gracefully: true);

        public async ValueTask DisposeAsync()
        {
            _channel.Dispose();
            await _nginx.DisposeAsync();
            await _first.DisposeAsync();
            await _second.DisposeAsync();
        }

        private static string DataPath() => Path.Combine(Path.GetTempPath(), "abuse-detector-tests", Guid.NewGuid().ToString("N"));

        private async Task<ServiceProcess> RestartAsync(ServiceProcess old, string dataPath, bool gracefully)
        {
            if (!old.HasExited && gracefully)
            {
                Assert.Equal(0, await old.StopAsync());
            }

            _output.AddRange(old.Output);
            var port = old.GrpcAddress.Port;
            await old.DisposeAsync();
            return await ServiceProcess.StartAsync([.. _settings, $"--AbuseDetector:DataPath={dataPath}"], port);
        }
    }
}
