using Scheme.Contracts;
using Scheme.Engine.Sandbox;
using Scheme.Model;

namespace Scheme.Runtime.Cli;

/// <summary>
/// Before any unit runs: the sandbox the selected units need, checked on this machine. A run whose units need none
/// (no environment with a sandbox, or only simulated checkpoints) checks nothing and starts no sandbox.
/// </summary>
internal static class SandboxCheck
{
    /// <summary>The environments of the selected runs that will run episodes in a sandbox.</summary>
    public static IReadOnlyList<EnvironmentDefinition> Needed(ExperimentDefinition experiment, IReadOnlyList<RunDefinition> runs, RunRequest request) =>
        runs.Where(r => r.Checkpoints.Any(c => (request.Checkpoints.Count == 0 || request.Checkpoints.Contains(c))
                && (request.Settings.Offline ? ProviderKinds.Simulated : experiment.Checkpoint(c).Provider) != ProviderKinds.Simulated))
            .SelectMany(r => r.Environments)
            .Where(e => request.Environments.Count == 0 || request.Environments.Contains(e))
            .Distinct()
            .Select(experiment.Environment)
            .Where(e => e.Sandbox is not null)
            .ToList();

    /// <summary>The backend for those environments, or what the machine lacks (and then no backend).</summary>
    public static (ISandboxBackend? Backend, IReadOnlyList<SandboxProblem> Problems) Prepare(IReadOnlyList<EnvironmentDefinition> needed)
    {
        if (needed.Count == 0)
        {
            return (null, []);
        }
        var unknown = needed.Where(e => e.Sandbox!.Backend != SandboxKinds.Bubblewrap).ToList();
        if (unknown.Count > 0)
        {
            return (null, unknown.Select(e => new SandboxProblem(SandboxCodes.CannotStart,
                $"Environment {e.Name} asks for sandbox '{e.Sandbox!.Backend}', which this runner does not have (it has: {SandboxKinds.Bubblewrap}).")).ToList());
        }
        if (!OperatingSystem.IsLinux())
        {
            return (null, [new SandboxProblem(SandboxCodes.CannotStart,
                $"Environment {string.Join(", ", needed.Select(e => e.Name))} runs in a bubblewrap sandbox, which needs Linux.")]);
        }
        var backend = new BubblewrapBackend();
        var problems = backend.Check(needed);
        if (problems.Count > 0)
        {
            backend.Dispose();
            return (null, problems);
        }
        return (backend, []);
    }
}
