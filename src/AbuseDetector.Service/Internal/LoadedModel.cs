using AbuseDetector.Detection;
using Microsoft.Extensions.Options;

namespace AbuseDetector.Service.Internal;

/// <summary>The one <see cref="AbuseClassifier"/> of the process, loaded once at start by <see cref="ModelLoadingService"/>.</summary>
internal sealed class LoadedModel
{
    private volatile AbuseClassifier? _classifier;

    public bool IsLoaded => _classifier is not null;

    public AbuseClassifier Classifier => _classifier ?? throw new InvalidOperationException("The model is not loaded yet.");

    public void Load(string path)
    {
        _classifier ??= AbuseClassifier.Load(path);
    }
}

/// <summary>Loads the model when the host starts, so a corrupt model stops start-up instead of failing the first call.</summary>
internal sealed class ModelLoadingService(LoadedModel model, IOptions<AbuseDetectorServiceOptions> options, ILogger<ModelLoadingService> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var path = options.Value.ModelPath!;
        model.Load(path);
        ServiceLog.ModelLoaded(logger, model.Classifier.ModelName, path);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
