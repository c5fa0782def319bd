using System.ComponentModel.DataAnnotations;
using System.Net;
using AbuseDetector.Service.Internal;

namespace AbuseDetector.Service;

public sealed partial class AbuseDetectorServiceOptions
{
    /// <summary>
    /// The IP address both endpoints listen on: <c>127.0.0.1</c> or <c>::1</c> for this machine only, <c>0.0.0.0</c> or
    /// <c>::</c> for every interface (in a container, say). Beyond loopback the service needs <see cref="Tenants"/>: it
    /// refuses to run open to the network.
    /// </summary>
    /// <value>The default value is <c>127.0.0.1</c>.</value>
    public string BindAddress { get; set; } = "127.0.0.1";

    /// <summary>
    /// The server certificate that turns the gRPC endpoint to HTTPS (HTTP/2 over TLS, ALPN <c>h2</c>) instead of cleartext
    /// HTTP/2: a PFX (PKCS#12) file, or a PEM file with the key in it or in <see cref="CertificateKeyPath"/>. The HTTP
    /// endpoint for health and metrics stays cleartext HTTP/1.1.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: cleartext HTTP/2 (h2c).</value>
    public string? CertificatePath { get; set; }

    /// <summary>The PEM private key of <see cref="CertificatePath"/> when it is a PEM certificate without its key.</summary>
    /// <value>The default value is <see langword="null"/>: the key is in the certificate file.</value>
    public string? CertificateKeyPath { get; set; }

    /// <summary>The password of the PFX file, or of the encrypted PEM key.</summary>
    /// <value>The default value is <see langword="null"/>: no password.</value>
    public string? CertificatePassword { get; set; }

    private IEnumerable<ValidationResult> ValidateEndpoints()
    {
        if (!IPAddress.TryParse(BindAddress, out var address))
        {
            yield return new ValidationResult($"BindAddress '{BindAddress}' is not an IP address; use 127.0.0.1, ::1, 0.0.0.0 or ::.", [nameof(BindAddress)]);
        }
        else if (!IPAddress.IsLoopback(address) && Tenants.Count == 0)
        {
            yield return new ValidationResult(
                $"Open mode (no tenants configured) is for loopback only: configure Tenants with API keys to bind to {BindAddress}, or bind to 127.0.0.1.",
                [nameof(BindAddress), nameof(Tenants)]);
        }

        if (string.IsNullOrWhiteSpace(CertificatePath))
        {
            if (!string.IsNullOrEmpty(CertificateKeyPath) || !string.IsNullOrEmpty(CertificatePassword))
            {
                yield return new ValidationResult("CertificateKeyPath and CertificatePassword need CertificatePath.", [nameof(CertificatePath)]);
            }
        }
        else if (ServerCertificate.Check(CertificatePath, CertificateKeyPath, CertificatePassword) is { } certificateFailure)
        {
            yield return new ValidationResult(certificateFailure, [nameof(CertificatePath)]);
        }
    }
}
