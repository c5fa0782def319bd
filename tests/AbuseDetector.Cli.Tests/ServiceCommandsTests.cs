namespace AbuseDetector.Cli.Tests;

/// <summary>The commands that talk to a running service, against the real service and a real redis-server on loopback.</summary>
public sealed class ServiceCommandsTests(RedisServiceFixture service) : IClassFixture<RedisServiceFixture>
{
    private string Address => service.GrpcAddress.ToString().TrimEnd('/');

    [Fact]
    public void Replay_ThreatSample_PrintsTheThreatAlertAndTheLevelJump()
    {
        // Act
        var result = CliProcess.Run("replay", Sample("threat"), "--speed", "max", "--server", Address, "--call-id", NewId());

        // Assert
        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var threat = Array.FindIndex(lines, l => l.Contains("alert threat critical [agent+team]", StringComparison.Ordinal));
        var partial = Array.FindIndex(lines, l => l.Contains("customer partial: threat", StringComparison.Ordinal));
        Assert.True(partial >= 0 && threat == partial + 1, "the threat alert follows the partial chunk that carried it:\n" + result.StandardOutput);
        Assert.Contains(lines, l => l.Contains("escalation none -> end_call_permitted (threat)", StringComparison.Ordinal));
        Assert.Single(lines, l => l.Contains("alert threat ", StringComparison.Ordinal));
    }

    [Fact]
    public void Replay_Json_EveryLineIsACallUpdate()
    {
        // Act
        var result = CliProcess.Run("replay", Sample("calm"), "--speed", "max", "--server", Address, "--call-id", NewId(), "--json");

        // Assert
        Assert.True(result.ExitCode == 0, result.ToString());
        var updates = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => Google.Protobuf.JsonParser.Default.Parse<Contracts.V1.CallUpdate>(l)).ToList();
        Assert.Equal(8, updates.Count);
        Assert.All(updates, u => Assert.Equal(Contracts.V1.CallUpdate.UpdateOneofCase.Assessment, u.UpdateCase));
    }

    [Fact]
    public void Replay_NoServiceThere_ExitsOneWithASentence()
    {
        // Act
        var result = CliProcess.Run("replay", Sample("calm"), "--speed", "max", "--server", "http://127.0.0.1:1");

        // Assert
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("abuse-detector: ", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("Unavailable", result.StandardError, StringComparison.Ordinal);
        Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Replay_BadSpeed_ExitsTwo()
    {
        var result = CliProcess.Run("replay", Sample("calm"), "--speed", "warp", "--server", Address);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--speed", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IncidentsAndWatch_AfterAPersistentSwearingCall_ShowTheNotesAndReplayTheTeamAndAgentHistory()
    {
        // Arrange: a tenant of this test's own, so the team history holds this call only.
        var tenant = "cli" + NewId();
        var callId = "swearing-" + NewId();
        var sample = File.ReadAllText(Sample("persistent-swearing")).Replace("\"tenant_id\": \"demo\"", $"\"tenant_id\": \"{tenant}\"", StringComparison.Ordinal);
        using var folder = new AbuseDetector.Tests.TempDirectory();
        var path = folder.PathOf("call.jsonl");
        await File.WriteAllTextAsync(path, sample);
        Assert.Equal(0, CliProcess.Run("replay", path, "--speed", "max", "--server", Address, "--call-id", callId).ExitCode);

        // Act
        CliResult shown = null!;
        await Eventually.TrueAsync(
            () =>
            {
                shown = CliProcess.Run("incidents", "show", "--tenant", tenant, callId, "--server", Address);
                return shown.ExitCode == 0 && shown.StandardOutput.Contains("outcome ended_by_agent", StringComparison.Ordinal);
            },
            "the finished incident was saved",
            TimeSpan.FromSeconds(30));
        var listed = CliProcess.Run("incidents", "list", "--tenant", tenant, "--team", "team-1", "--server", Address);
        var watchTeam = Task.Run(() => CliProcess.Run(new CliRun { StopAfter = TimeSpan.FromSeconds(6) }, "watch", "--tenant", tenant, "--team", "team-1", "--since", "0", "--server", Address));
        var watchAgent = Task.Run(() => CliProcess.Run(new CliRun { StopAfter = TimeSpan.FromSeconds(6) }, "watch", "--tenant", tenant, "--agent", "agent-7", "--since", "0", "--server", Address));
        var (watched, watchedAgent) = (await watchTeam, await watchAgent);
        var missing = CliProcess.Run("incidents", "show", "--tenant", tenant, "no-such-call", "--server", Address);

        // Assert
        Assert.Contains($"Incident on call {callId}", shown.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("highest level end_call_permitted; supervisor alerted: yes; threat: no", shown.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("given by the agent", shown.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("useless prick", shown.StandardOutput, StringComparison.Ordinal);
        Assert.True(listed.ExitCode == 0, listed.ToString());
        Assert.Single(listed.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var alerts = watched.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // Each watched line starts with its history id, to pass to --since.
        Assert.All(alerts, l => Assert.Matches(@"^\d+-\d+ alert ", l));
        Assert.Equal(
            ["level_changed", "supervisor_needed", "level_changed", "supervisor_needed", "call_ended"],
            alerts.Select(l => l.Split(' ')[2]));
        var agentAlerts = watchedAgent.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(agentAlerts, l => Assert.Matches(@"^\d+-\d+ alert level_changed ", l));
        Assert.Equal(["notice", "warning", "final_warning", "end_call_permitted"], agentAlerts.Select(l => l.Split(" level ")[1].Split(':')[0]));
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("NotFound", missing.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void Watch_BothTeamAndAgent_ExitsTwo()
    {
        var result = CliProcess.Run("watch", "--tenant", "t", "--team", "x", "--agent", "y", "--server", Address);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("either --team or --agent", result.StandardError, StringComparison.Ordinal);
    }

    private static string NewId() => Guid.NewGuid().ToString("N")[..12];

    private static string Sample(string name) => RepositoryFiles.Find($"samples/{name}.jsonl");
}
