using AbuseDetector.Benchmarks;
using BenchmarkDotNet.Running;

// Resolve the model once here and hand its full path to the benchmark processes, which start elsewhere.
if (!BenchmarkInputs.TryPublishModelPath(out var problem))
{
    Console.Error.WriteLine(problem);
    return 1;
}

var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, BenchmarkConfig.Instance);
return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
