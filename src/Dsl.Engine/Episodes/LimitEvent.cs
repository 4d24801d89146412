namespace Scheme.Engine.Episodes;

/// <summary>An entry of the transcript's record of what limits refused or cut, with the turn it happened in.</summary>
public sealed record LimitEvent(string Limit, int Turn, string Detail);
