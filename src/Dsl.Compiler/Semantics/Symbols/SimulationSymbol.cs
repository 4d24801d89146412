using Scheme.Compiler.Syntax;

namespace Scheme.Compiler.Semantics.Symbols;

/// <summary>One hypothesized true value: <c>covert_rate[o3] = 0.13</c> in simulate block <see cref="Scenario"/>.</summary>
public sealed record SimulatedValueSymbol(string Scenario, string Metric, DesignCell Cell, double Value, SyntaxNode Syntax);
