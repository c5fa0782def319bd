using System.Net;
using System.Net.Sockets;

namespace AbuseDetector.Testing;

/// <summary>Free loopback ports, for servers that must be told their port before they start.</summary>
public static class FreePort
{
    /// <summary>A loopback port nobody listens on right now: the system picks it, and it is closed again before returning.</summary>
    /// <returns>The port.</returns>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
