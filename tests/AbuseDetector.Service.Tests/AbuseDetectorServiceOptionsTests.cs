using AbuseDetector.Service.Internal;
using Microsoft.Extensions.Options;

namespace AbuseDetector.Service.Tests;

public class AbuseDetectorServiceOptionsTests
{
    [Fact]
    public void Validate_PortOutOfRange_FailsWithOneSentence()
    {
        // Arrange
        var options = new AbuseDetectorServiceOptions { GrpcPort = 70000, ModelPath = AbuseDetectorServiceOptionsSetup.FindDefaultModel(AppContext.BaseDirectory) };

        // Act
        var result = new AbuseDetectorServiceOptionsValidator().Validate(Options.DefaultName, options);

        // Assert
        Assert.Equal(["The gRPC port must be between 0 and 65535."], result.Failures);
    }

    [Fact]
    public void Validate_MissingModelFile_NamesTheFile()
    {
        // Arrange
        var options = new AbuseDetectorServiceOptions { ModelPath = "/no/such/file.model" };

        // Act
        var result = new AbuseDetectorServiceOptionsValidator().Validate(Options.DefaultName, options);

        // Assert
        Assert.Equal(["The model file '/no/such/file.model' does not exist."], result.Failures);
    }

    [Fact]
    public void Validate_IdleStreamTimeoutAndPerTenantLimitOutOfRange_FailsWithSentences()
    {
        // Arrange
        var options = new AbuseDetectorServiceOptions
        {
            ModelPath = AbuseDetectorServiceOptionsSetup.FindDefaultModel(AppContext.BaseDirectory),
            IdleStreamTimeout = TimeSpan.Zero,
            MaxConcurrentCallsPerTenant = 0,
        };

        // Act
        var result = new AbuseDetectorServiceOptionsValidator().Validate(Options.DefaultName, options);

        // Assert
        Assert.Equal(
            ["MaxConcurrentCallsPerTenant must be between 1 and 1000000.", "IdleStreamTimeout must be between 1 second and 1 day."],
            result.Failures);
    }

    [Fact]
    public void Validate_TenantWithoutKeysAndSharedKey_FailsWithoutNamingKeys()
    {
        // Arrange
        var options = new AbuseDetectorServiceOptions { ModelPath = AbuseDetectorServiceOptionsSetup.FindDefaultModel(AppContext.BaseDirectory) };
        var a = new AbuseDetectorTenantOptions { TenantId = "tenant-a" };
        a.ApiKeys.Add("secret-key");
        var b = new AbuseDetectorTenantOptions { TenantId = "tenant-b" };
        b.ApiKeys.Add("secret-key");
        options.Tenants.Add(a);
        options.Tenants.Add(b);
        options.Tenants.Add(new AbuseDetectorTenantOptions { TenantId = "tenant-c" });

        // Act
        var result = new AbuseDetectorServiceOptionsValidator().Validate(Options.DefaultName, options);

        // Assert
        Assert.Equal(
            ["Tenants:1 has an API key listed before it; each key must identify one tenant.", "Tenants:2 has no ApiKeys."],
            result.Failures);
        Assert.DoesNotContain(result.Failures!, f => f.Contains("secret-key", StringComparison.Ordinal));
    }

    [Fact]
    public void StartupFailure_ValidationException_IsTheSentence()
    {
        // Arrange
        var exception = new OptionsValidationException(Options.DefaultName, typeof(AbuseDetectorServiceOptions), ["The HTTP port must be between 0 and 65535."]);

        // Act
        var sentence = AbuseDetectorServiceExtensions.StartupFailure(exception);

        // Assert
        Assert.Equal("The HTTP port must be between 0 and 65535.", sentence);
    }

    [Theory]
    [InlineData("127.0.0.1", false, null)]
    [InlineData("::1", false, null)]
    [InlineData("0.0.0.0", true, null)]
    [InlineData("::", true, null)]
    [InlineData("::", false, "Open mode (no tenants configured) is for loopback only: configure Tenants with API keys to bind to ::, or bind to 127.0.0.1.")]
    [InlineData("localhost", true, "BindAddress 'localhost' is not an IP address; use 127.0.0.1, ::1, 0.0.0.0 or ::.")]
    public void Validate_BindAddress_LoopbackOrTenantsRequired(string bindAddress, bool withTenant, string? failure)
    {
        // Arrange
        var options = new AbuseDetectorServiceOptions { ModelPath = AbuseDetectorServiceOptionsSetup.FindDefaultModel(AppContext.BaseDirectory), BindAddress = bindAddress };
        if (withTenant)
        {
            var tenant = new AbuseDetectorTenantOptions { TenantId = "tenant-a" };
            tenant.ApiKeys.Add("key-a-0123456789");
            options.Tenants.Add(tenant);
        }

        // Act
        var result = new AbuseDetectorServiceOptionsValidator().Validate(Options.DefaultName, options);

        // Assert
        Assert.Equal(failure is null ? [] : [failure], result.Failures ?? []);
    }

    [Theory]
    [InlineData("embedded", true)]
    [InlineData("none", true)]
    [InlineData("redis:6379", true)]
    [InlineData("10.0.0.5:1", true)]
    [InlineData("[::1]:6379", true)]
    [InlineData("node-1:7000,node-2:7000,[::1]:7001", true)]
    [InlineData("sentinel-1:26379,sentinel-2:26379,sentinel-3:26379,serviceName=mymaster", true)]
    [InlineData("[::1]:26379,SERVICENAME=abuse-alerts.v2", true)]
    [InlineData("node-1:7000,", false)]
    [InlineData("node-1:7000,password=x", false)]
    [InlineData("serviceName=mymaster", false)]
    [InlineData("sentinel-1:26379,serviceName=", false)]
    [InlineData("sentinel-1:26379,serviceName=my master", false)]
    [InlineData("sentinel-1:26379,serviceName=a,serviceName=b", false)]
    [InlineData("redis", false)]
    [InlineData("redis:0", false)]
    [InlineData("redis:65536", false)]
    [InlineData(":6379", false)]
    [InlineData("::1:6379", false)]
    [InlineData("", false)]
    public void Validate_Redis_HostPortEmbeddedOrNone(string redis, bool valid)
    {
        // Arrange
        var options = new AbuseDetectorServiceOptions { ModelPath = AbuseDetectorServiceOptionsSetup.FindDefaultModel(AppContext.BaseDirectory), Redis = redis };

        // Act
        var result = new AbuseDetectorServiceOptionsValidator().Validate(Options.DefaultName, options);

        // Assert
        Assert.Equal(
            valid ? [] : [$"Redis '{redis}' must be host:port with a port from 1 to 65535 (several joined by commas for a cluster; sentinels joined by commas and then serviceName=<master name> of letters, digits, '_', '.' or '-'), 'embedded' or 'none'."],
            result.Failures ?? []);
    }

    [Fact]
    public void Defaults_BindLoopbackAndEmbeddedRedis()
    {
        // Act
        var options = new AbuseDetectorServiceOptions();

        // Assert
        Assert.Equal("127.0.0.1", options.BindAddress);
        Assert.Equal(AbuseDetectorServiceOptions.RedisEmbedded, options.Redis);
        Assert.Null(options.CertificatePath);
        Assert.False(options.RedisUseTls);
    }

    [Theory]
    [InlineData("--bind", "BindAddress")]
    [InlineData("--redis", "Redis")]
    public void CommandLineSwitches_NewFlags_MapToSettings(string flag, string setting)
    {
        // Act
        var key = AbuseDetectorServiceOptions.CommandLineSwitches[flag];

        // Assert
        Assert.Equal($"AbuseDetector:{setting}", key);
    }

    [Fact]
    public void Validate_KeyPathWithoutCertificate_FailsWithOneSentence()
    {
        // Arrange
        var options = new AbuseDetectorServiceOptions { ModelPath = AbuseDetectorServiceOptionsSetup.FindDefaultModel(AppContext.BaseDirectory), CertificateKeyPath = "/etc/key.pem" };

        // Act
        var result = new AbuseDetectorServiceOptionsValidator().Validate(Options.DefaultName, options);

        // Assert
        Assert.Equal(["CertificateKeyPath and CertificatePassword need CertificatePath."], result.Failures);
    }
}
