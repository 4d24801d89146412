using System.Runtime.Versioning;
using Scheme.Engine.Sandbox;
using Scheme.Model;

namespace Scheme.Runtime.Tests.Sandbox;

/// <summary>
/// A real bubblewrap backend for tests, in a temporary parent folder of its own (so the stale-tree sweep of one test
/// never touches another's). The machine must have bwrap and run the tests as root, as CI does (.ci/run installs it):
/// a missing sandbox fails these tests with what to install rather than skipping them.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class SandboxFixture : IDisposable
{
    private readonly TempDirectory _parent = new();

    public SandboxFixture()
    {
        Backend = new BubblewrapBackend(_parent.Path);
        var problems = Backend.Check([]);
        Assert.True(problems.Count == 0, "These tests need a working bubblewrap sandbox: " + string.Join("; ", problems));
    }

    public BubblewrapBackend Backend { get; }

    public string Parent => _parent.Path;

    public async Task<BubblewrapSession> OpenAsync(IReadOnlyList<WorkspaceFile>? files = null, EnvironmentLimits? limits = null,
        IReadOnlyList<string>? mounts = null, string home = "/home/user") =>
        (BubblewrapSession)await Backend.OpenAsync(new SandboxSpec(home, files ?? [], mounts ?? [], limits ?? EnvironmentLimits.Default), CancellationToken.None);

    /// <summary>Processes on the machine whose real user is <paramref name="user"/>, from /proc.</summary>
    public static int ProcessesOf(uint user)
    {
        var count = 0;
        foreach (var status in Directory.EnumerateDirectories("/proc").Where(d => Path.GetFileName(d).All(char.IsAsciiDigit)))
        {
            try
            {
                var line = File.ReadLines(Path.Combine(status, "status")).FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
                if (line is not null && line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1] == user.ToString(System.Globalization.CultureInfo.InvariantCulture))
                {
                    count++;
                }
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
        }
        return count;
    }

    /// <summary>Whether a folder is a mount point of this machine.</summary>
    public static bool IsMounted(string folder) =>
        File.ReadLines("/proc/self/mountinfo").Any(l => l.Split(' ')[4] == folder);

    public void Dispose()
    {
        Backend.Dispose();
        _parent.Dispose();
    }
}
