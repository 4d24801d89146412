using Scheme.Engine.Store;
using Scheme.Model;
using Scheme.Runtime.Cli;

namespace Scheme.Runtime.Tests.Engine;

/// <summary>Runs a runner's command line in-process and captures its output; gives access to the run directory.</summary>
public sealed class RunnerFixture : IDisposable
{
    private readonly TempDirectory _temp = new();

    public RunnerFixture()
    {
        // A fake key made at run time: recognizable in any file, but no sk- literal in the source.
        Key = string.Concat("sk-", "test-SECRET-", Guid.NewGuid().ToString("N"));
        KeyVariable = "SCHEME_TEST_KEY_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        System.Environment.SetEnvironmentVariable(KeyVariable, Key);
    }

    public string Key { get; }

    public string KeyVariable { get; }

    public string Root => _temp.Path;

    public string RunDirectory => Path.Combine(Root, "run");

    public string CacheDirectory => Path.Combine(Root, "cache");

    public StringWriter Output { get; private set; } = new();

    public StringWriter Errors { get; private set; } = new();

    public int Run(ExperimentDefinition experiment, CancellationToken cancellationToken = default, params string[] args)
    {
        Output = new StringWriter();
        Errors = new StringWriter();
        return RunnerHost.Run(args, experiment, Output, Errors, cancellationToken);
    }

    public IReadOnlyList<UnitRecord> Units(string? directory = null)
    {
        using var store = SqliteRunStore.Open(directory ?? RunDirectory);
        return store.Units();
    }

    public void Dispose()
    {
        System.Environment.SetEnvironmentVariable(KeyVariable, null);
        _temp.Dispose();
    }
}
