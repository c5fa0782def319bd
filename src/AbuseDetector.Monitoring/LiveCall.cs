using System.Threading.Channels;
using AbuseDetector.Detection;
using AbuseDetector.Escalation;

namespace AbuseDetector.Monitoring;

/// <summary>
/// What people watching a live call see of it (the supervisor dashboard, the agent panel), and the way their requests
/// reach it: the call's stream takes them from <see cref="Requests"/> between events, so the call's monitor keeps one
/// thread at a time. Written by the call's stream, read from any thread.
/// </summary>
public sealed class LiveCall
{
    /// <summary>The most abuse scores kept for the call's timeline, newest last.</summary>
    public const int MostScores = 60;

    // A few requests wait while the call handles a chunk; more means someone is pressing far faster than people do.
    private const int MostWaitingRequests = 8;

    private readonly Lock _gate = new();
    private readonly float[] _scores = new float[MostScores];
    private readonly Channel<CallRequest> _requests = Channel.CreateBounded<CallRequest>(
        new BoundedChannelOptions(MostWaitingRequests) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private int _scoreCount;
    private int _nextScore;
    private EscalationLevel _level;
    private string _lastCategory = string.Empty;
    private bool _shouting;
    private bool _threat;
    private string _recommendedScript = string.Empty;
    private IncidentSupervisorResponse? _supervisorResponse;
    private long _version;

    internal LiveCall(CallParticipants call, DateTimeOffset startedAt, EscalationLevel level = EscalationLevel.None, bool threat = false)
    {
        Call = call;
        StartedAt = startedAt;
        _level = level;
        _threat = threat;
    }

    /// <summary>Gets who the call is between.</summary>
    public CallParticipants Call { get; }

    /// <summary>Gets when the call started.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>Gets a number that changes whenever anything <see cref="Snapshot"/> shows changes, so watchers send only changes.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>Gets the requests waiting for the call's stream, which takes them between events.</summary>
    public ChannelReader<CallRequest> Requests => _requests.Reader;

    /// <summary>What the call looks like now.</summary>
    /// <returns>A copy, safe to keep.</returns>
    public LiveCallView Snapshot()
    {
        lock (_gate)
        {
            var scores = new float[_scoreCount];
            var oldest = (_nextScore - _scoreCount + MostScores) % MostScores;
            for (var i = 0; i < _scoreCount; i++)
            {
                scores[i] = _scores[(oldest + i) % MostScores];
            }

            return new LiveCallView(Call, StartedAt, _level, _lastCategory, _shouting, _threat, scores, _recommendedScript, _supervisorResponse);
        }
    }

    /// <summary>Hands a request to the call; false when the call has ended or is too busy to take it now.</summary>
    /// <param name="request">The request; completed by the call's stream.</param>
    /// <returns>Whether the call took it.</returns>
    public bool TrySend(CallRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _requests.Writer.TryWrite(request);
    }

    /// <summary>Records a final customer utterance: its abuse score, the worst behaviour flagged in it, shouting.</summary>
    internal void Scored(float abuseScore, AbuseFlags flags, bool shouting)
    {
        lock (_gate)
        {
            _scores[_nextScore] = abuseScore;
            _nextScore = (_nextScore + 1) % MostScores;
            _scoreCount = Math.Min(_scoreCount + 1, MostScores);
            _shouting = shouting;
            if (WorstBehaviour(flags, shouting) is { Length: > 0 } behaviour)
            {
                _lastCategory = behaviour;
            }

            Interlocked.Increment(ref _version);
        }
    }

    /// <summary>Records a protocol step: the level, the line to say now, a threat, a supervisor's answer.</summary>
    internal void Stepped(EscalationStep step, IncidentSupervisorResponse? response)
    {
        if (!step.LevelChanged && step.Alerts.Count == 0 && step.RecommendedScript.Length == 0 && response is null)
        {
            return;
        }

        lock (_gate)
        {
            _level = step.Level;
            if (step.LevelChanged || step.RecommendedScript.Length > 0)
            {
                // A drop leaves nothing to say; a rise or a repeated warning brings its line.
                _recommendedScript = step.RecommendedScript;
            }

            foreach (var alert in step.Alerts)
            {
                _threat |= alert.Kind == AlertKind.Threat;
                if (alert.Kind == AlertKind.Threat)
                {
                    _lastCategory = "threat";
                }
            }

            _supervisorResponse = response ?? _supervisorResponse;
            Interlocked.Increment(ref _version);
        }
    }

    /// <summary>Ends the call's requests: those still waiting are answered "not taken".</summary>
    internal void Close()
    {
        _requests.Writer.TryComplete();
        while (_requests.Reader.TryRead(out var request))
        {
            request.Complete(false);
        }
    }

    private static string WorstBehaviour(AbuseFlags flags, bool shouting) =>
        (flags & AbuseFlags.Threat) != 0 ? "threat"
        : (flags & AbuseFlags.Hate) != 0 ? "hate"
        : (flags & AbuseFlags.Insult) != 0 ? "insult"
        : (flags & AbuseFlags.Swearing) != 0 ? "swearing"
        : shouting ? "shouting"
        : string.Empty;
}

/// <summary>A live call as watchers see it.</summary>
/// <param name="Call">Who the call is between.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="Level">Its current level.</param>
/// <param name="LastCategory">The worst behaviour of the caller's last flagged utterance ("threat", "insult", ...), or empty.</param>
/// <param name="Shouting">Whether the caller is shouting now.</param>
/// <param name="Threat">Whether the caller made a threat of violence on this call.</param>
/// <param name="Scores">The abuse score of the caller's last final utterances, oldest first, at most <see cref="LiveCall.MostScores"/>.</param>
/// <param name="RecommendedScript">The line the agent is advised to say now, or empty.</param>
/// <param name="SupervisorResponse">The latest supervisor's answer, or null.</param>
public sealed record LiveCallView(
    CallParticipants Call,
    DateTimeOffset StartedAt,
    EscalationLevel Level,
    string LastCategory,
    bool Shouting,
    bool Threat,
    IReadOnlyList<float> Scores,
    string RecommendedScript,
    IncidentSupervisorResponse? SupervisorResponse);

/// <summary>A request from a person watching the call, taken by the call's stream between events.</summary>
public abstract class CallRequest
{
    private const int Waiting = 0;
    private const int Taken = 1;
    private const int Abandoned = 2;

    private readonly TaskCompletionSource<bool> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _state;

    /// <summary>Gets a task that completes with true once the call acted on the request, or false when it did not.</summary>
    public Task<bool> Done => _done.Task;

    /// <summary>
    /// Gives the request up when the call has not taken it in time, so a person who tries again never acts twice;
    /// false when the call has already taken it (then <see cref="Done"/> completes soon).
    /// </summary>
    /// <returns>Whether the request was given up.</returns>
    public bool TryAbandon()
    {
        if (Interlocked.CompareExchange(ref _state, Abandoned, Waiting) != Waiting)
        {
            return false;
        }

        _done.TrySetResult(false);
        return true;
    }

    /// <summary>Takes the request for the call; false when the person gave it up.</summary>
    internal bool TryTake() => Interlocked.CompareExchange(ref _state, Taken, Waiting) == Waiting;

    internal void Complete(bool taken) => _done.TrySetResult(taken);
}

/// <summary>The agent asked for a supervisor from the agent panel: the same as the platform's SupervisorRequested action.</summary>
public sealed class SupervisorRequestFromPanel : CallRequest;

/// <summary>A supervisor acknowledged the call's alerts or said they are joining.</summary>
/// <param name="supervisor">The name the supervisor signed in with.</param>
/// <param name="joining">True when joining the call, false for an acknowledgement.</param>
/// <param name="alertId">The alert answered, or empty.</param>
public sealed class SupervisorAnswer(string supervisor, bool joining, string alertId) : CallRequest
{
    /// <summary>Gets the name the supervisor signed in with.</summary>
    public string Supervisor { get; } = supervisor;

    /// <summary>Gets a value indicating whether the supervisor is joining the call.</summary>
    public bool Joining { get; } = joining;

    /// <summary>Gets the alert answered, or empty.</summary>
    public string AlertId { get; } = alertId;
}
