namespace AbuseDetector.Detection.Tests;

public sealed class ShoutingDetectorTests
{
    [Fact]
    public void Observe_ThreeCalmUtterances_BaselineIsTheirMean()
    {
        // Arrange: by the rules, -32 sets the baseline; -28 steps +1.5 to -30.5 then averages half the
        // remaining gap (+1.25) to -29.25; -30 steps -0.75 to -30 and averages a third of 0.
        var detector = new ShoutingDetector();

        // Act
        detector.Observe(-32f);
        detector.Observe(-28f);
        detector.Observe(-30f);

        // Assert
        Assert.Equal(-30f, detector.BaselineDbfs, 4);
    }

    [Fact]
    public void Observe_BeforeAnySpeech_BaselineIsNaN()
    {
        // Act
        var detector = new ShoutingDetector();
        var first = detector.Observe(-30f);

        // Assert
        Assert.True(float.IsNaN(first.BaselineDbfs));
        Assert.Equal(-30f, detector.BaselineDbfs);
    }

    [Fact]
    public void Observe_LoudUtteranceDuringWarmUp_IsNotLoud()
    {
        // Arrange
        var detector = new ShoutingDetector();
        detector.Observe(-30f);

        // Act
        var result = detector.Observe(-5f);

        // Assert
        Assert.False(result.IsLoud);
        Assert.Equal(0f, result.ExcessDb);
    }

    [Fact]
    public void Observe_OneLoudUtterance_IsLoudButNotShouting()
    {
        // Arrange
        var detector = Calm(-30f);

        // Act
        var result = detector.Observe(-15f);

        // Assert: 15 dB above the baseline, past the 10 dB margin, but only once.
        Assert.True(result.IsLoud);
        Assert.False(result.IsShouting);
        Assert.Equal(15f, result.ExcessDb, 4);
        Assert.Equal(-30f, result.BaselineDbfs, 4);
    }

    [Fact]
    public void Observe_SustainedLoudUtterances_IsShouting()
    {
        // Arrange
        var detector = Calm(-30f);

        // Act
        var first = detector.Observe(-15f);
        var second = detector.Observe(-14f);

        // Assert
        Assert.False(first.IsShouting);
        Assert.True(second.IsShouting);
    }

    [Fact]
    public void Peek_LoudLevel_ReportsWhatObserveWouldWithoutTakingItIn()
    {
        // Arrange
        var detector = Calm(-30f);

        // Act: partial hypotheses of one loud utterance, then its final one.
        var firstPeek = detector.Peek(-15f);
        var secondPeek = detector.Peek(-15f);
        var observed = detector.Observe(-15f);

        // Assert: peeking changed nothing (the final is the first loud utterance), and reads like observing.
        Assert.Equal(observed with { IsShouting = false }, firstPeek);
        Assert.Equal(firstPeek, secondPeek);
        Assert.True(firstPeek.IsLoud);
        Assert.False(observed.IsShouting);
        Assert.False(detector.IsShouting);
        Assert.True(detector.Observe(-15f).IsShouting);
        Assert.True(detector.IsShouting);
    }

    [Fact]
    public void Peek_DuringWarmUp_IsNotLoud()
    {
        // Arrange: one calm utterance heard, the baseline not yet trusted.
        var detector = new ShoutingDetector();
        detector.Observe(-30f);

        // Act
        var peeked = detector.Peek(-10f);

        // Assert
        Assert.False(peeked.IsLoud);
        Assert.Equal(0f, peeked.ExcessDb);
    }

    [Fact]
    public void Observe_LoudThenCalmThenLoud_IsNeverShouting()
    {
        // Arrange
        var detector = Calm(-30f);

        // Act
        var results = new[] { -15f, -30f, -15f, -30f }.Select(detector.Observe).ToList();

        // Assert
        Assert.All(results, r => Assert.False(r.IsShouting));
        Assert.Equal([true, false, true, false], results.Select(r => r.IsLoud));
    }

    [Fact]
    public void Observe_LongShouting_BaselineDoesNotFollowItUp()
    {
        // Arrange
        var detector = Calm(-30f);

        // Act
        var results = Enumerable.Range(0, 50).Select(_ => detector.Observe(-12f)).ToList();

        // Assert
        Assert.Equal(-30f, detector.BaselineDbfs, 4);
        Assert.All(results.Skip(1), r => Assert.True(r.IsShouting));
    }

    [Fact]
    public void Observe_SlightlyLouderSpeech_MovesTheBaselineOneStepAtATime()
    {
        // Arrange: -24 is 6 dB up, under the margin, so the baseline steps 1.5 dB toward it each time.
        var detector = Calm(-30f);

        // Act
        detector.Observe(-24f);
        var afterOne = detector.BaselineDbfs;
        detector.Observe(-24f);
        var afterTwo = detector.BaselineDbfs;

        // Assert
        Assert.Equal(-28.5f, afterOne, 4);
        Assert.Equal(-27f, afterTwo, 4);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(-61f)]
    [InlineData(LoudnessMeter.SilenceDbfs)]
    public void Observe_QuietOrUnmeasuredUtterance_IsIgnored(float level)
    {
        // Arrange
        var detector = Calm(-30f);

        // Act
        var result = detector.Observe(level);

        // Assert
        Assert.False(result.IsLoud);
        Assert.Equal(0f, result.ExcessDb);
        Assert.Equal(-30f, detector.BaselineDbfs, 4);
    }

    [Fact]
    public void Observe_QuietUtterancesDuringWarmUp_DoNotCountTowardIt()
    {
        // Arrange: two calm utterances, then silence and an unmeasured one: still warming up.
        var detector = new ShoutingDetector();
        detector.Observe(-30f);
        detector.Observe(-30f);
        detector.Observe(LoudnessMeter.SilenceDbfs);
        detector.Observe(float.NaN);

        // Act
        var result = detector.Observe(-10f);

        // Assert
        Assert.False(result.IsLoud);
    }

    [Fact]
    public void Observe_SilenceBetweenShouts_KeepsShouting()
    {
        // Arrange
        var detector = Calm(-30f);
        detector.Observe(-15f);
        detector.Observe(-15f);

        // Act
        var pause = detector.Observe(LoudnessMeter.SilenceDbfs);
        var next = detector.Observe(-15f);

        // Assert
        Assert.True(pause.IsShouting);
        Assert.True(next.IsShouting);
    }

    [Fact]
    public void Observe_CustomOptions_AreHonoured()
    {
        // Arrange: margin 5 dB, three in a row, one warm-up utterance.
        var detector = new ShoutingDetector(new ShoutingOptions { LoudMarginDb = 5f, SustainedUtterances = 3, WarmUpUtterances = 1 });
        detector.Observe(-30f);

        // Act
        var results = new[] { -24f, -24f, -24f }.Select(detector.Observe).ToList();

        // Assert
        Assert.Equal([true, true, true], results.Select(r => r.IsLoud));
        Assert.Equal([false, false, true], results.Select(r => r.IsShouting));
    }

    [Fact]
    public void ObservePcm16_MeasuresTheAudio()
    {
        // Arrange
        var detector = Calm(-40f);

        // Act: a full-scale sine is about 37 dB above a -40 dBFS baseline.
        var result = detector.ObservePcm16(Pcm.Sine(32767));

        // Assert
        Assert.Equal(-3.01f, result.LoudnessDbfs, 2);
        Assert.True(result.IsLoud);
    }

    public static TheoryData<int> CapturePoints => [0, 1, 2, 3, 4, 5, 7];

    [Theory]
    [MemberData(nameof(CapturePoints))]
    public void Capture_RestoredInANewDetector_SameAssessmentsAfterwards(int heardBeforeCapture)
    {
        // Arrange: warm-up, a step up, loud utterances in a row, silence and a return to calm.
        float[] levels = [-32f, -28f, -30f, -24f, -15f, -14f, LoudnessMeter.SilenceDbfs, -13f, -30f, -12f, -12f, float.NaN, -29f];
        var options = new ShoutingOptions();
        var original = new ShoutingDetector(options);
        foreach (var level in levels.Take(heardBeforeCapture))
        {
            original.Observe(level);
        }

        var restored = new ShoutingDetector(options, original.Capture());

        // Act
        var fromOriginal = levels.Skip(heardBeforeCapture).Select(original.Observe).ToList();
        var fromRestored = levels.Skip(heardBeforeCapture).Select(restored.Observe).ToList();

        // Assert
        Assert.Equal(fromOriginal, fromRestored);
        Assert.Equal(original.Capture(), restored.Capture());
        Assert.Equal(original.IsShouting, restored.IsShouting);
        Assert.Contains(fromOriginal, a => a.IsShouting);
    }

    [Fact]
    public void Capture_BeforeAnySpeech_BaselineNaNAndRestoredDetectorStartsFresh()
    {
        // Arrange
        var state = new ShoutingDetector().Capture();

        // Act
        var restored = new ShoutingDetector(new ShoutingOptions(), state);
        var first = restored.Observe(-30f);
        var fresh = new ShoutingDetector().Observe(-30f);

        // Assert
        Assert.True(float.IsNaN(state.BaselineDbfs));
        Assert.Equal(0, state.Heard);
        Assert.Equal(0, state.LoudInARow);
        Assert.Equal(fresh, first);
        Assert.True(float.IsNaN(first.BaselineDbfs));
        Assert.Equal(-30f, restored.BaselineDbfs);
    }

    [Fact]
    public void Capture_WhileShouting_RestoredDetectorIsStillShouting()
    {
        // Arrange
        var original = Calm(-30f);
        original.Observe(-15f);
        original.Observe(-15f);

        // Act
        var restored = new ShoutingDetector(new ShoutingOptions(), original.Capture());

        // Assert
        Assert.True(restored.IsShouting);
        Assert.Equal(new ShoutingState(-30f, 5, 2), restored.Capture());
        Assert.Equal(original.Peek(-15f), restored.Peek(-15f));
    }

    [Fact]
    public void Ctor_NegativeCountsInState_TreatedAsNone()
    {
        // Act
        var restored = new ShoutingDetector(new ShoutingOptions(), new ShoutingState(float.NaN, -4, -2));

        // Assert
        Assert.Equal(new ShoutingState(float.NaN, 0, 0), restored.Capture());
        Assert.False(restored.IsShouting);
    }

    /// <summary>A detector warmed up on calm speech at one level.</summary>
    private static ShoutingDetector Calm(float level)
    {
        var detector = new ShoutingDetector();
        for (var i = 0; i < 3; i++)
        {
            detector.Observe(level);
        }

        return detector;
    }
}
