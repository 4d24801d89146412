namespace Scheme.Model;

/// <summary>A model endpoint with its settings already resolved through <c>extends</c>.</summary>
/// <param name="Extends">The base checkpoint's name: lineage kept for analyses (o3 -> o3_as).</param>
/// <param name="ApiKeyVariable">Name of the environment variable holding the key; never the key.</param>
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
    string ApiKeyVariable = "OPENAI_API_KEY")
{
    public bool Has(string capability) => Capabilities?.Contains(capability) == true;
}
