namespace Scheme.Runtime.Episodes;

/// <summary>What a tool call gives back: the text the model sees, and whether the episode is over.</summary>
public sealed record ToolResult(string Output, bool EndsEpisode = false);
