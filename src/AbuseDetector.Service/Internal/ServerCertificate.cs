using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AbuseDetector.Service.Internal;

/// <summary>Loads the gRPC endpoint's server certificate from a PFX file, or from PEM with the key beside it or in the same file.</summary>
internal static class ServerCertificate
{
    public static X509Certificate2 Load(string path, string? keyPath, string? password)
    {
        var key = string.IsNullOrEmpty(keyPath) ? null : keyPath;
        var secret = string.IsNullOrEmpty(password) ? null : password;
        if (!IsPem(path))
        {
            return X509CertificateLoader.LoadPkcs12FromFile(path, secret);
        }

        return secret is null ? X509Certificate2.CreateFromPemFile(path, key) : X509Certificate2.CreateFromEncryptedPemFile(path, secret, key);
    }

    /// <summary>Loads the certificate, or returns null when it cannot: start-up validation has already said why and stops the host.</summary>
    public static X509Certificate2? TryLoad(string path, string? keyPath, string? password)
    {
        try
        {
            var certificate = Load(path, keyPath, password);
            if (certificate.HasPrivateKey)
            {
                return certificate;
            }

            certificate.Dispose();
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The sentence saying why the certificate cannot serve TLS, or null when it can. Never repeats the password.</summary>
    public static string? Check(string path, string? keyPath, string? password)
    {
        if (!File.Exists(path))
        {
            return $"The certificate file '{path}' does not exist.";
        }

        if (!string.IsNullOrEmpty(keyPath) && !File.Exists(keyPath))
        {
            return $"The certificate key file '{keyPath}' does not exist.";
        }

        try
        {
            var keyFile = string.IsNullOrEmpty(keyPath) ? path : keyPath;
            if (IsPem(path) && !File.ReadAllText(keyFile).Contains("PRIVATE KEY-----", StringComparison.Ordinal))
            {
                return $"The PEM certificate '{path}' comes without its private key: put the key in the same file or give CertificateKeyPath.";
            }

            using var certificate = Load(path, keyPath, password);
            return certificate.HasPrivateKey ? null : $"The certificate '{path}' has no private key; give the key in the file or in CertificateKeyPath.";
        }
        catch (CryptographicException)
        {
            return string.IsNullOrEmpty(password)
                ? $"The certificate '{path}' could not be read: it needs a password (CertificatePassword), or it is not a PFX or PEM certificate with its private key."
                : $"The certificate '{path}' could not be read: the password is wrong, or it is not a PFX or PEM certificate with its private key.";
        }
        catch (ArgumentException)
        {
            return $"The certificate '{path}' could not be read: the PEM file holds no certificate, or no private key matching it.";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"The certificate '{path}' could not be read: {ex.Message}";
        }
    }

    /// <summary>PEM files hold text armour near their start (after any bag attributes); anything else is taken for PKCS#12.</summary>
    private static bool IsPem(string path)
    {
        Span<byte> start = stackalloc byte[4096];
        using var file = File.OpenRead(path);
        var read = file.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
        return start[..read].IndexOf("-----BEGIN "u8) >= 0;
    }
}
