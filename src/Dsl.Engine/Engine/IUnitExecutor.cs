using Scheme.Engine.Design;
using Scheme.Engine.Episodes;

namespace Scheme.Engine;

/// <summary>Produces the result of one work unit: an agentic episode against a model, or a simulated draw.</summary>
/// <remarks>Throws when the unit cannot be finished; the engine records the failure. Never retries a whole unit.</remarks>
public interface IUnitExecutor
{
    Task<EpisodeResult> ExecuteAsync(WorkUnit unit, CancellationToken cancellationToken);
}

/// <summary>Runs units as episodes through <see cref="EpisodeRunner"/> (judges included).</summary>
public sealed class EpisodeExecutor(EpisodeRunner runner) : IUnitExecutor
{
    public Task<EpisodeResult> ExecuteAsync(WorkUnit unit, CancellationToken cancellationToken) => runner.RunAsync(unit, cancellationToken);
}

/// <summary>
/// Which executor runs a checkpoint's units and which partition they belong to. Units of one partition (one
/// endpoint) share that partition's concurrency bound; partitions run side by side, so a slow endpoint does not
/// hold back a fast one.
/// </summary>
public sealed record UnitLane(string Partition, IUnitExecutor Executor);
