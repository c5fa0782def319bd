namespace AbuseDetector.Detection.Tests;

public sealed class LoudnessMeterTests
{
    [Fact]
    public void RmsDbfs_FullScaleSquareWave_IsZeroDbfs()
    {
        // Arrange: samples alternate between 32767 and -32768, so the RMS is within 0.002% of full scale.
        var pcm = Pcm.Square(32768);

        // Act
        var level = LoudnessMeter.RmsDbfs(pcm);

        // Assert
        Assert.Equal(0.0, level, 0.001);
    }

    [Fact]
    public void RmsDbfs_FullScaleSine_IsMinusThreeDbfs()
    {
        // Arrange: RMS of a sine is peak/√2, and 20·log10(1/√2) = −3.0103 dB.
        var pcm = Pcm.Sine(32767);

        // Act
        var level = LoudnessMeter.RmsDbfs(pcm);

        // Assert
        Assert.Equal(20 * Math.Log10(32767 / 32768.0 / Math.Sqrt(2)), level, 0.005);
        Assert.Equal(-3.01, level, 0.01);
    }

    [Fact]
    public void RmsDbfs_SineAtMinusTwentyDbfs_ReadsMinusTwenty()
    {
        // Arrange: an RMS of 0.1 of full scale needs a peak of 0.1·√2·32768 ≈ 4634.
        var pcm = Pcm.Sine(0.1 * Math.Sqrt(2) * 32768);

        // Act
        var level = LoudnessMeter.RmsDbfs(pcm);

        // Assert
        Assert.Equal(-20.0, level, 0.01);
    }

    [Fact]
    public void RmsDbfs_Silence_IsSilenceDbfs()
    {
        // Arrange
        var pcm = new byte[3200];

        // Act
        var level = LoudnessMeter.RmsDbfs(pcm);

        // Assert
        Assert.Equal(LoudnessMeter.SilenceDbfs, level);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void RmsDbfs_NoWholeSample_IsSilenceDbfs(int bytes)
    {
        // Act
        var level = LoudnessMeter.RmsDbfs(new byte[bytes]);

        // Assert
        Assert.Equal(LoudnessMeter.SilenceDbfs, level);
    }

    [Fact]
    public void RmsDbfs_OddByteCount_IgnoresTheTrailingByte()
    {
        // Arrange: a loud stray byte after a -20 dBFS sine.
        var sine = Pcm.Sine(0.1 * Math.Sqrt(2) * 32768);
        byte[] odd = [.. sine, 0x7F];

        // Act
        var level = LoudnessMeter.RmsDbfs(odd);

        // Assert
        Assert.Equal(LoudnessMeter.RmsDbfs(sine), level);
    }

    [Fact]
    public void RmsDbfs_SamplesAreLittleEndian()
    {
        // Arrange: bytes 00 80 are -32768 (full scale); read big-endian they would be 128 (−48.2 dBFS).
        byte[] pcm = [0x00, 0x80, 0x00, 0x80];

        // Act
        var level = LoudnessMeter.RmsDbfs(pcm);

        // Assert
        Assert.Equal(0f, level);
    }

    [Fact]
    public void RmsDbfs_SmallestSample_IsAboutMinusNinetyDbfs()
    {
        // Arrange: 20·log10(1/32768) = −90.31 dB, above the silence floor.
        var pcm = Pcm.Samples(1, -1, 1, -1);

        // Act
        var level = LoudnessMeter.RmsDbfs(pcm);

        // Assert
        Assert.Equal(-90.31, level, 0.01);
    }
}
