using Scheme.Contracts;

namespace Scheme.Model;

/// <summary>A model endpoint with its settings already resolved through <c>extends</c>.</summary>
/// <param name="Extends">The base checkpoint's name: lineage kept for analyses (o3 -> o3_as).</param>
/// <param name="ApiKeyVariable">Name of the environment variable holding the key; never the key.</param>
/// <param name="ReasoningFormat">How the model writes its reasoning (<see cref="ReasoningFormats"/>: think or harmony);
/// null means think.</param>
public sealed record CheckpointDefinition(
    string Name,
    string Provider,
    string? Model,
    string? Extends = null,
    string? BaseUrl = null,
    string? ReasoningEffort = null,
    double? Temperature = null,
    double? TopP = null,
    int? MaxTokens = null,
    long? Seed = null,
    IReadOnlyList<string>? Capabilities = null,
    string ApiKeyVariable = "OPENAI_API_KEY",
    string? ReasoningFormat = null)
{
    public bool Has(string capability) => Capabilities?.Contains(capability) == true;

    /// <summary>The reasoning format, resolved; a name outside the closed set (a hand-built definition) is refused.</summary>
    public Scheme.Contracts.ReasoningFormat Format =>
        ReasoningFormats.Find(ReasoningFormat)
        ?? throw new NotSupportedException($"Checkpoint '{Name}' has reasoning_format '{ReasoningFormat}'; known: {string.Join(", ", ReasoningFormats.Names)}.");

    /// <summary>Whether the checkpoint meets a requirement in its format (reasoning_prefill is raw_completions for harmony).</summary>
    public bool Meets(string requirement) => Has(Format.Meeting(requirement));
}
