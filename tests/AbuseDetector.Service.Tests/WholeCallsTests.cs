using System.Text.RegularExpressions;
using AbuseDetector.Contracts.V1;

namespace AbuseDetector.Service.Tests;

/// <summary>The shape of tests/data/whole-calls.jsonl, checked without the service.</summary>
public sealed partial class WholeCallsTests
{
    [Fact]
    public void Load_WholeCallSuite_EnoughCallsOfEachKindToMeasure()
    {
        // Act
        var calls = WholeCalls.Load();

        // Assert
        Assert.True(calls.Count >= 45, $"{calls.Count} calls; the suite needs at least 45.");
        Assert.True(calls.Count(c => c.Kind == WholeCallKind.Threat) >= 8, "The suite needs at least 8 threat calls.");
        Assert.True(calls.Count(c => c.Kind == WholeCallKind.Calm) >= 12, "The suite needs at least 12 calm calls.");
        Assert.Equal(calls.Count, calls.Select(c => c.Name).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Load_WholeCallSuite_EveryCallIsWellFormed()
    {
        // Act
        var calls = WholeCalls.Load();

        // Assert
        Assert.All(calls, call =>
        {
            Assert.False(string.IsNullOrWhiteSpace(call.Description), call.Name);
            Assert.InRange(call.Turns.Count, 8, 30);
            Assert.Contains(call.Turns, t => t.Speaker == Speaker.Customer);
            Assert.All(call.Turns, turn =>
            {
                Assert.True(turn.Speaker is Speaker.Customer or Speaker.Agent, $"{call.Name}: speaker {turn.Speaker}");
                Assert.True(SpeechToText().IsMatch(turn.Text), $"{call.Name}: \"{turn.Text}\" is not lower case words without punctuation");
                Assert.InRange(turn.LoudnessDbfs, -60f, 0f);
                Assert.True(turn.Action is null || (turn.Speaker == Speaker.Agent && turn.Action != AgentActionKind.Unspecified), $"{call.Name}: an action on a customer turn or without a kind");
            });
            Assert.NotEqual(EscalationLevel.Unspecified, call.ExpectedHighestLevel);
            if (call.ExpectedSupervisorAlertTurn is { } turn)
            {
                Assert.InRange(turn, 0, call.Turns.Count - 1);
                Assert.Equal(Speaker.Customer, call.Turns[turn].Speaker);
            }
        });
    }

    [Fact]
    public void Load_WholeCallSuite_ExpectationsFollowTheProtocol()
    {
        // Act
        var calls = WholeCalls.Load();

        // Assert: supervisors hear of a call at final_warning or a threat; critical alerts come at end_call_permitted.
        Assert.All(calls, call =>
        {
            Assert.True(call.ExpectedSupervisorAlertTurn is null == call.ExpectedHighestLevel < EscalationLevel.FinalWarning, $"{call.Name}: a supervisor alert is due exactly when final_warning is reached");
            Assert.True(call.ExpectedCritical == (call.ExpectedHighestLevel == EscalationLevel.EndCallPermitted), $"{call.Name}: a critical alert is due exactly when end_call_permitted is reached");
            Assert.True(call.Kind != WholeCallKind.Threat || call.ExpectedCritical, $"{call.Name}: a threat call expects a critical alert");
            Assert.True(call.Kind != WholeCallKind.Calm || call.ExpectedHighestLevel == EscalationLevel.None, $"{call.Name}: a calm call expects no level");
        });
    }

    [GeneratedRegex("^[a-z0-9']+( [a-z0-9']+)*$")]
    private static partial Regex SpeechToText();
}
