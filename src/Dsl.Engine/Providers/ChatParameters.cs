using Scheme.Model;

namespace Scheme.Engine.Providers;

/// <summary>Sampling settings of one request; null means the endpoint's default.</summary>
public sealed record ChatParameters(
    double? Temperature = null,
    double? TopP = null,
    int? MaxOutputTokens = null,
    long? Seed = null,
    string? ReasoningEffort = null)
{
    /// <summary>
    /// The checkpoint's settings, with the unit's seed unless the checkpoint pins one: a pinned seed is the
    /// researcher's explicit choice, the unit seed is the default that keeps counterfactual pairs aligned.
    /// </summary>
    public static ChatParameters From(CheckpointDefinition checkpoint, long? unitSeed = null) =>
        new(checkpoint.Temperature, checkpoint.TopP, checkpoint.MaxTokens, checkpoint.Seed ?? unitSeed, checkpoint.ReasoningEffort);
}
