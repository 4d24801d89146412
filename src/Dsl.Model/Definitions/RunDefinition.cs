namespace Scheme.Model;

/// <summary>A crossed design: checkpoints x environment variants x conditions x epochs.</summary>
public sealed record RunDefinition(
    string Name,
    IReadOnlyList<string> Checkpoints,
    IReadOnlyList<string> Environments,
    IReadOnlyList<string> Conditions,
    int Epochs);
