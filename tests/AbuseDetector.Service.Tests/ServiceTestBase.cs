namespace AbuseDetector.Service.Tests;

/// <summary>Fails every test of a derived class when the shared service logged an Error while the test ran.</summary>
public abstract class ServiceTestBase(ServiceFixture service) : IDisposable
{
    private readonly int _errorsBefore = service.Errors.Count;

    /// <summary>The shared service the tests talk to.</summary>
    protected ServiceFixture Service { get; } = service;

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            var errors = Service.Errors.Skip(_errorsBefore).ToList();
            Assert.True(errors.Count == 0, "The service logged errors: " + string.Join("; ", errors));
        }
    }
}
