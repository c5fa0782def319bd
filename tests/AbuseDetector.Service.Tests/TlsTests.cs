using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AbuseDetector.Contracts.V1;
using Google.Protobuf;
using Microsoft.Extensions.Options;

namespace AbuseDetector.Service.Tests;

/// <summary>The gRPC endpoint over TLS with a self-signed certificate made by the test, as PFX and as PEM.</summary>
public sealed class TlsTests : IDisposable
{
    private const string ClassifyPath = "/abuse_detector.v1.AbuseDetector/Classify";
    private const string Password = "test-only-password";

    private readonly string _folder = Directory.CreateTempSubdirectory("abuse-detector-tls-").FullName;
    private readonly X509Certificate2 _publicCertificate;
    private readonly string _pfxPath;
    private readonly string _pemPath;
    private readonly string _keyPath;

    public TlsTests()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        // A CA flag lets OpenSSL-based clients (python3-grpcio) take the self-signed certificate as its own root.
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign, critical: false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var now = TimeProvider.System.GetUtcNow();
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));

        _pfxPath = Path.Combine(_folder, "server.pfx");
        _pemPath = Path.Combine(_folder, "server.crt");
        _keyPath = Path.Combine(_folder, "server.key");
        File.WriteAllBytes(_pfxPath, certificate.Export(X509ContentType.Pfx, Password));
        File.WriteAllText(_pemPath, certificate.ExportCertificatePem());
        File.WriteAllText(_keyPath, key.ExportPkcs8PrivateKeyPem());
        _publicCertificate = X509CertificateLoader.LoadCertificate(certificate.RawData);
    }

    public void Dispose()
    {
        _publicCertificate.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Classify_PfxCertificate_HttpClientOverHttp2WithTlsSucceeds()
    {
        // Arrange
        await using var service = await ServiceInstance.StartAsync(Settings(_pfxPath, keyPath: null, Password));
        using var client = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                CertificateChainPolicy = new X509ChainPolicy
                {
                    TrustMode = X509ChainTrustMode.CustomRootTrust,
                    CustomTrustStore = { _publicCertificate },
                    RevocationMode = X509RevocationMode.NoCheck,
                },
            },
        });

        // Act
        using var request = ClassifyRequest(new Uri($"https://127.0.0.1:{service.GrpcPort}{ClassifyPath}"));
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal("0", response.TrailingHeaders.GetValues("grpc-status").Single());
        var result = ClassifyResponse.Parser.ParseFrom(body.AsSpan(5));
        Assert.True(result.Scores.Single(s => s.Category == Category.Insult).Flagged);
    }

    [Fact]
    public async Task Classify_PemCertificateAndKey_PythonGrpcioOverTlsSucceedsAndCleartextFails()
    {
        // Arrange
        await using var service = await ServiceInstance.StartAsync(Settings(_pemPath, _keyPath, password: null));
        var generated = Path.Combine(_folder, "generated");
        Directory.CreateDirectory(generated);
        await PythonInterop.GenerateMessageClassesAsync(generated);
        var target = $"127.0.0.1:{service.GrpcPort}";

        // Act and assert: the scripts check the outcome and exit 0 when it is as expected.
        await PythonInterop.AssertScriptSucceedsAsync("tls_interop.py", target, generated, _pemPath, "tls");
        await PythonInterop.AssertScriptSucceedsAsync("tls_interop.py", target, generated, _pemPath, "plaintext");
    }

    [Fact]
    public async Task Classify_CleartextHttp2ClientToTlsEndpoint_Fails()
    {
        // Arrange
        await using var service = await ServiceInstance.StartAsync(Settings(_pfxPath, keyPath: null, Password));

        // Act and assert
        await Assert.ThrowsAnyAsync<HttpRequestException>(
            () => RawGrpcClient.CallAsync(service.GrpcAddress, ClassifyPath, RawGrpcClient.Frame(new ClassifyRequest { Text = "hello" }.ToByteArray())));
    }

    [Fact]
    public async Task Start_WrongPassword_RefusedWithOneSentence()
    {
        // Act
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => ServiceInstance.StartAsync(Settings(_pfxPath, keyPath: null, "not-the-password")));

        // Assert
        Assert.Equal(
            $"The certificate '{_pfxPath}' could not be read: the password is wrong, or it is not a PFX or PEM certificate with its private key.",
            AbuseDetectorServiceExtensions.StartupFailure(error));
    }

    [Fact]
    public async Task Start_MissingCertificateFile_RefusedWithOneSentence()
    {
        // Arrange
        var missing = Path.Combine(_folder, "missing.pfx");

        // Act
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => ServiceInstance.StartAsync(Settings(missing, keyPath: null, password: null)));

        // Assert
        Assert.Equal($"The certificate file '{missing}' does not exist.", AbuseDetectorServiceExtensions.StartupFailure(error));
    }

    [Fact]
    public async Task Start_PemWithoutKey_RefusedWithOneSentence()
    {
        // Act
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => ServiceInstance.StartAsync(Settings(_pemPath, keyPath: null, password: null)));

        // Assert
        Assert.Equal(
            $"The PEM certificate '{_pemPath}' comes without its private key: put the key in the same file or give CertificateKeyPath.",
            AbuseDetectorServiceExtensions.StartupFailure(error));
    }

    private static Dictionary<string, string?> Settings(string certificatePath, string? keyPath, string? password) => new()
    {
        ["AbuseDetector:CertificatePath"] = certificatePath,
        ["AbuseDetector:CertificateKeyPath"] = keyPath,
        ["AbuseDetector:CertificatePassword"] = password,
    };

    private static HttpRequestMessage ClassifyRequest(Uri uri)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(RawGrpcClient.Frame(new ClassifyRequest { Text = "you're a useless idiot" }.ToByteArray())),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        return request;
    }
}
