using Scheme.Model;

namespace Scheme.Engine.Design;

/// <summary>
/// The param values of every variant of every environment, by its label as units record it ("goal=true,n=3"), so a cell
/// that selects param values (<c>nudge: false</c>) can be matched against stored units without parsing their labels.
/// </summary>
public sealed class VariantTable(ExperimentDefinition experiment)
{
    private readonly Dictionary<(string Environment, string Label), IReadOnlyDictionary<string, object>> _params =
        experiment.Environments
            .SelectMany(e => DesignExpander.Variants(e).Select(v => ((e.Name, v.Label), v.Params)))
            .ToDictionary(x => x.Item1, x => x.Params);

    /// <summary>A variant's param values; empty for an environment or label the experiment does not declare.</summary>
    public IReadOnlyDictionary<string, object> Params(string environment, string label) =>
        _params.TryGetValue((environment, label), out var values) ? values : Empty;

    private static readonly IReadOnlyDictionary<string, object> Empty = new Dictionary<string, object>();
}
