namespace Scheme.Model;

/// <summary>A tool call as the model sent it: the arguments are raw JSON text, possibly malformed.</summary>
public sealed record ToolCallRequest(string Id, string Name, string ArgumentsJson);
