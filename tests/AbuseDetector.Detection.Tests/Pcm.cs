using System.Buffers.Binary;

namespace AbuseDetector.Detection.Tests;

/// <summary>Generates 16-bit little-endian PCM test signals.</summary>
internal static class Pcm
{
    public const int SampleRate = 16000;

    /// <summary>A sine of the given peak amplitude; 16000 samples of 400 Hz are exactly 400 whole cycles.</summary>
    public static byte[] Sine(double amplitude, double frequency = 400, int samples = SampleRate) =>
        From(samples, i => amplitude * Math.Sin(2 * Math.PI * frequency * i / SampleRate));

    /// <summary>A square wave between +amplitude and -amplitude (clamped to the 16-bit range).</summary>
    public static byte[] Square(double amplitude, int samples = SampleRate) =>
        From(samples, i => i % 40 < 20 ? amplitude : -amplitude);

    public static byte[] Samples(params short[] samples) => From(samples.Length, i => samples[i]);

    private static byte[] From(int samples, Func<int, double> value)
    {
        var bytes = new byte[samples * 2];
        for (var i = 0; i < samples; i++)
        {
            var sample = (short)Math.Clamp(Math.Round(value(i)), short.MinValue, short.MaxValue);
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(2 * i), sample);
        }

        return bytes;
    }
}
