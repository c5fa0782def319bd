using System.ComponentModel.DataAnnotations;

namespace AbuseDetector.Detection;

/// <summary>Loudness of raw audio.</summary>
public static class LoudnessMeter
{
    /// <summary>The level reported for digital silence (RMS of zero), in dBFS.</summary>
    public const float SilenceDbfs = -120f;

    /// <summary>
    /// RMS level in dBFS of 16-bit little-endian signed PCM. A full-scale square wave reads 0 dBFS and a
    /// full-scale sine about -3 dBFS. An odd trailing byte is ignored.
    /// </summary>
    public static float RmsDbfs(ReadOnlySpan<byte> pcm16LittleEndian)
    {
        var samples = pcm16LittleEndian.Length / 2;
        if (samples == 0)
        {
            return SilenceDbfs;
        }

        double sumOfSquares = 0;
        for (var i = 0; i < samples; i++)
        {
            var sample = (short)(pcm16LittleEndian[2 * i] | (pcm16LittleEndian[(2 * i) + 1] << 8));
            sumOfSquares += (double)sample * sample;
        }

        var rms = Math.Sqrt(sumOfSquares / samples) / 32768.0;
        return rms <= 0 ? SilenceDbfs : (float)Math.Max(SilenceDbfs, 20 * Math.Log10(rms));
    }
}

/// <summary>Text cues of shouting on chat channels, where there is no audio.</summary>
/// <param name="CapitalsRatio">Share of letters in upper case (0 to 1).</param>
/// <param name="Letters">Letters counted.</param>
/// <param name="Exclamations">Exclamation marks counted.</param>
public readonly record struct TextShoutingCues(float CapitalsRatio, int Letters, int Exclamations)
{
    /// <summary>Mostly capitals over enough letters to mean it ("NO" is not shouting), or a burst of "!!!".</summary>
    public bool LooksShouted => (Letters >= 8 && CapitalsRatio >= 0.7f) || Exclamations >= 3;

    /// <summary>Measures the cues of one text.</summary>
    public static TextShoutingCues Measure(ReadOnlySpan<char> text)
    {
        int letters = 0, upper = 0, exclamations = 0;
        foreach (var c in text)
        {
            if (char.IsLetter(c))
            {
                letters++;
                if (char.IsUpper(c))
                {
                    upper++;
                }
            }
            else if (c == '!')
            {
                exclamations++;
            }
        }

        return new TextShoutingCues(letters == 0 ? 0 : (float)upper / letters, letters, exclamations);
    }
}

/// <summary>Settings of the <see cref="ShoutingDetector"/>, bound by the service from <c>AbuseDetector:Shouting</c>.</summary>
public sealed class ShoutingOptions
{
    /// <summary>The configuration section the service binds the options from.</summary>
    public const string SectionName = "AbuseDetector:Shouting";

    /// <summary>Gets or sets how far above the speaker's own baseline an utterance must be to count as loud, in dB.</summary>
    /// <value>The default value is 10.</value>
    [Range(1f, 60f, ErrorMessage = "Shouting LoudMarginDb must be between 1 and 60 dB.")]
    public float LoudMarginDb { get; set; } = 10f;

    /// <summary>
    /// Gets or sets the loud utterances in a row needed before shouting is reported: at least two, since one loud
    /// utterance is a burst, not shouting.
    /// </summary>
    /// <value>The default value is 2.</value>
    [Range(2, 20, ErrorMessage = "Shouting SustainedUtterances must be between 2 and 20: one loud utterance is not shouting.")]
    public int SustainedUtterances { get; set; } = 2;

    /// <summary>Gets or sets the utterances heard before a baseline is trusted.</summary>
    /// <value>The default value is 3.</value>
    [Range(1, 50, ErrorMessage = "Shouting WarmUpUtterances must be between 1 and 50.")]
    public int WarmUpUtterances { get; set; } = 3;

    /// <summary>Gets or sets the step by which the running median moves per utterance, in dB.</summary>
    /// <value>The default value is 1.5.</value>
    [Range(0.1f, 20f, ErrorMessage = "Shouting BaselineStepDb must be between 0.1 and 20 dB.")]
    public float BaselineStepDb { get; set; } = 1.5f;

    /// <summary>Gets or sets the level under which utterances carry no speech and are ignored, in dBFS.</summary>
    /// <value>The default value is -60.</value>
    [Range(-120f, 0f, ErrorMessage = "Shouting SilenceFloorDbfs must be between -120 and 0 dBFS.")]
    public float SilenceFloorDbfs { get; set; } = -60f;
}

/// <summary>What the shouting detector concluded about one utterance.</summary>
/// <param name="LoudnessDbfs">The utterance's level.</param>
/// <param name="BaselineDbfs">The speaker's baseline before this utterance (NaN while warming up).</param>
/// <param name="ExcessDb">How far above the baseline the utterance was (0 when not above it or warming up).</param>
/// <param name="IsLoud">This utterance alone is well above the baseline.</param>
/// <param name="IsShouting">Loud utterances have been sustained long enough to call it shouting.</param>
public readonly record struct ShoutingAssessment(float LoudnessDbfs, float BaselineDbfs, float ExcessDb, bool IsLoud, bool IsShouting);

/// <summary>What a <see cref="ShoutingDetector"/> has learned of one speaker.</summary>
/// <param name="BaselineDbfs">The speaker's baseline, NaN before any speech.</param>
/// <param name="Heard">Utterances taken into the baseline.</param>
/// <param name="LoudInARow">Loud utterances in a row, up to now.</param>
public readonly record struct ShoutingState(float BaselineDbfs, int Heard, int LoudInARow);

/// <summary>
/// Flags a speaker who is shouting: utterances well above that speaker's own baseline, sustained.
/// The baseline is a running median estimate (moves a fixed step toward each quiet utterance), which a
/// few loud utterances barely move, so shouting does not become the new normal. One instance per
/// speaker per call; not thread-safe.
/// </summary>
public sealed class ShoutingDetector
{
    private readonly ShoutingOptions _options;
    private float _baseline = float.NaN;
    private int _heard;
    private int _loudInARow;

    /// <summary>Creates a detector with the given settings (defaults when null).</summary>
    public ShoutingDetector(ShoutingOptions? options = null)
    {
        _options = options ?? new ShoutingOptions();
    }

    /// <summary>Creates a detector that goes on from a state <see cref="Capture"/> saved, on another instance perhaps.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="state">The saved state.</param>
    public ShoutingDetector(ShoutingOptions options, ShoutingState state)
        : this(options)
    {
        _baseline = state.BaselineDbfs;
        _heard = Math.Max(0, state.Heard);
        _loudInARow = Math.Max(0, state.LoudInARow);
    }

    /// <summary>The current baseline in dBFS, NaN before any speech.</summary>
    public float BaselineDbfs => _baseline;

    /// <summary>True while the speaker's last utterances were loud long enough to count as shouting.</summary>
    public bool IsShouting => _loudInARow >= _options.SustainedUtterances;

    /// <summary>Adds one utterance's level and says whether the speaker is shouting.</summary>
    public ShoutingAssessment Observe(float loudnessDbfs)
    {
        var assessment = Peek(loudnessDbfs);
        if (float.IsNaN(loudnessDbfs) || loudnessDbfs < _options.SilenceFloorDbfs)
        {
            return assessment;
        }

        _loudInARow = assessment.IsLoud ? _loudInARow + 1 : 0;
        if (float.IsNaN(_baseline))
        {
            _baseline = loudnessDbfs;
        }
        else if (!assessment.IsLoud)
        {
            // Median tracking: step toward the value, never jump to it.
            _baseline += Math.Clamp(loudnessDbfs - _baseline, -_options.BaselineStepDb, _options.BaselineStepDb);
            if (_heard < _options.WarmUpUtterances)
            {
                // Early on, average quickly so the baseline is near the speaker's level by the end of warm-up.
                _baseline += (loudnessDbfs - _baseline) / (_heard + 1);
            }
        }

        _heard++;
        return assessment with { IsShouting = IsShouting };
    }

    /// <summary>
    /// Compares a level with the baseline without taking it in: for a partial hypothesis whose final utterance will be
    /// observed later, so it is never counted twice. IsShouting is the speaker's state so far.
    /// </summary>
    public ShoutingAssessment Peek(float loudnessDbfs)
    {
        if (float.IsNaN(loudnessDbfs) || loudnessDbfs < _options.SilenceFloorDbfs)
        {
            return new ShoutingAssessment(loudnessDbfs, _baseline, 0, false, IsShouting);
        }

        var warmedUp = _heard >= _options.WarmUpUtterances;
        var excess = warmedUp ? Math.Max(0, loudnessDbfs - _baseline) : 0f;
        return new ShoutingAssessment(loudnessDbfs, _baseline, excess, warmedUp && excess >= _options.LoudMarginDb, IsShouting);
    }

    /// <summary>What the detector has learned of the speaker, to go on elsewhere.</summary>
    /// <returns>The baseline and counts.</returns>
    public ShoutingState Capture() => new(_baseline, _heard, _loudInARow);

    /// <summary>Measures raw PCM16 audio and observes its level.</summary>
    public ShoutingAssessment ObservePcm16(ReadOnlySpan<byte> pcm16LittleEndian) => Observe(LoudnessMeter.RmsDbfs(pcm16LittleEndian));
}
