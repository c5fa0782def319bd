using System.Globalization;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace AbuseDetector.Service.Tests;

/// <summary>
/// The whole-call suite (tests/data/whole-calls.jsonl) replayed through the real service: how often the service's
/// highest level, supervisor alert and critical alert agree with what the protocol says is due. The agreement report
/// goes to the test output and to whole-call-suite-report.txt beside the test assembly.
/// </summary>
[Collection(ServiceCollection.Name)]
public sealed class WholeCallSuiteTests(ServiceFixture service, ITestOutputHelper output) : ServiceTestBase(service)
{
    private const double LevelAgreementBar = 0.90;

    [Fact]
    public async Task ReplayAsync_EveryCall_MeetsTheAgreementBars()
    {
        // Arrange
        var calls = WholeCalls.Load();
        var client = Service.NewClient();

        // Act: one call after another.
        var results = new List<(WholeCall Call, WholeCallOutcome Outcome)>();
        foreach (var call in calls)
        {
            results.Add((call, await WholeCalls.ReplayAsync(client, call)));
        }

        var report = Report(results);
        var reportPath = Path.Combine(AppContext.BaseDirectory, "whole-call-suite-report.txt");
        await File.WriteAllTextAsync(reportPath, report);
        output.WriteLine(report);
        output.WriteLine($"Report written to {reportPath}");

        // Assert: every bar, so one run tells all that is missing.
        var levelExact = results.Count(r => r.Outcome.HighestLevel == r.Call.ExpectedHighestLevel);
        var missing = new List<string>();
        if (levelExact < LevelAgreementBar * results.Count)
        {
            missing.Add(Invariant($"highest level exact in {levelExact} of {results.Count} calls, below {LevelAgreementBar:P0}"));
        }

        missing.AddRange(results.Where(r => r.Call.Kind == WholeCallKind.Threat && !r.Outcome.CriticalThreatAlert).Select(r => $"threat call {r.Call.Name} raised no critical threat alert"));
        missing.AddRange(results.Where(r => r.Call.Kind == WholeCallKind.Calm && r.Outcome.Critical).Select(r => $"calm call {r.Call.Name} raised a critical alert"));
        missing.AddRange(results.SelectMany(r => r.Outcome.Errors.Select(e => $"{r.Call.Name} chunk error {e}")));
        Assert.True(missing.Count == 0, string.Join(Environment.NewLine, missing));
    }

    private static string Report(List<(WholeCall Call, WholeCallOutcome Outcome)> results)
    {
        var text = new StringBuilder();
        text.AppendLine(Invariant($"Whole-call suite: {results.Count} calls; expected / actual for the highest level, the turn of the first threat or supervisor_needed alert (- for none), and any critical alert."));
        text.AppendLine(Invariant($"{"call",-46} {"kind",-16} {"highest level",-40} {"supervisor turn",-16} {"critical",-14} agrees"));
        foreach (var (call, outcome) in results)
        {
            var levels = $"{Snake(call.ExpectedHighestLevel)} / {Snake(outcome.HighestLevel)}";
            var turns = $"{Turn(call.ExpectedSupervisorAlertTurn)} / {Turn(outcome.SupervisorAlertTurn)}";
            var critical = $"{call.ExpectedCritical} / {outcome.Critical}".ToLowerInvariant();
            text.AppendLine(Invariant($"{call.Name,-46} {Snake(call.Kind),-16} {levels,-40} {turns,-16} {critical,-14} {(Agrees(call, outcome) ? "yes" : "NO")}"));
        }

        int Count(Func<WholeCall, WholeCallOutcome, bool> match) => results.Count(r => match(r.Call, r.Outcome));
        var threats = results.Count(r => r.Call.Kind == WholeCallKind.Threat);
        var calm = results.Count(r => r.Call.Kind == WholeCallKind.Calm);
        text.AppendLine();
        text.AppendLine(Share("highest level exact", Count((c, o) => o.HighestLevel == c.ExpectedHighestLevel), results.Count, $"(bar {LevelAgreementBar:P0})"));
        text.AppendLine(Share("highest level too high", Count((c, o) => o.HighestLevel > c.ExpectedHighestLevel), results.Count));
        text.AppendLine(Share("highest level too low", Count((c, o) => o.HighestLevel < c.ExpectedHighestLevel), results.Count));
        text.AppendLine(Share("supervisor alert on the expected turn (or none when none is due)", Count((c, o) => o.SupervisorAlertTurn == c.ExpectedSupervisorAlertTurn), results.Count));
        text.AppendLine(Share("critical alert as expected", Count((c, o) => o.Critical == c.ExpectedCritical), results.Count));
        text.AppendLine(Share("threat calls with a critical threat alert", Count((c, o) => c.Kind == WholeCallKind.Threat && o.CriticalThreatAlert), threats, "(bar: all)"));
        text.AppendLine(Share("calm calls with a critical alert", Count((c, o) => c.Kind == WholeCallKind.Calm && o.Critical), calm, "(bar: none)"));
        text.AppendLine(Share("all three measures agree", Count(Agrees), results.Count));

        text.AppendLine();
        text.AppendLine("Calls that disagree, customer turns: [turn] loudness, loud or shouting, flagged categories with their probability, level after the turn, text.");
        foreach (var (call, outcome) in results.Where(r => !Agrees(r.Call, r.Outcome)))
        {
            text.AppendLine();
            text.AppendLine($"{call.Name}: {call.Description}");
            foreach (var turn in outcome.CustomerTurns)
            {
                var spoken = call.Turns[turn.Turn];
                var voice = turn.IsShouting ? "shouting" : turn.IsLoud ? "loud" : "-";
                var flags = turn.Flagged.Count == 0 ? "-" : string.Join(',', turn.Flagged.Select(f => Invariant($"{Snake(f.Category)} {f.Probability:0.00}")));
                text.AppendLine(Invariant($"  [{turn.Turn,2}] {spoken.LoudnessDbfs,4} dB {voice,-8} {flags,-52} {Snake(turn.LevelAfter),-18} {spoken.Text}"));
            }
        }

        return text.ToString();
    }

    private static bool Agrees(WholeCall call, WholeCallOutcome outcome) =>
        outcome.HighestLevel == call.ExpectedHighestLevel && outcome.SupervisorAlertTurn == call.ExpectedSupervisorAlertTurn && outcome.Critical == call.ExpectedCritical;

    private static string Share(string what, int count, int of, string bar = "") =>
        Invariant($"{what}: {count} of {of} ({(of == 0 ? 0 : (double)count / of):P1}) {bar}").TrimEnd();

    private static string Turn(int? turn) => turn?.ToString(CultureInfo.InvariantCulture) ?? "-";

    // The names the data and the alerts use: final_warning, directed_abuse.
    private static string Snake(Enum value) => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}
