using System.Globalization;
using System.Reflection;
using Scheme.Compiler.Diagnostics;

namespace Scheme.Compiler.Tests.Unit;

/// <summary>
/// Each code of the catalog is reported through exactly one builder of <see cref="Diagnose"/>, of the same name, and
/// each builder shows every argument it is given: no code without a message, no message under a wrong code, no
/// argument dropped.
/// </summary>
public sealed class DiagnosticBuilderTests
{
    [Fact]
    public void Every_code_has_exactly_one_builder_of_its_name_and_every_builder_builds_its_own_code()
    {
        var builders = Builders();
        var codes = typeof(DiagnosticCatalog).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .ToDictionary(f => f.Name, f => (DiagnosticDescriptor)f.GetValue(null)!);

        var overloaded = builders.GroupBy(b => b.Name).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(overloaded.Count == 0, "Codes with more than one builder: " + string.Join(", ", overloaded));
        var withoutBuilder = codes.Keys.Except(builders.Select(b => b.Name)).ToList();
        Assert.True(withoutBuilder.Count == 0, "Catalog codes without a Diagnose builder: " + string.Join(", ", withoutBuilder));
        var withoutCode = builders.Select(b => b.Name).Except(codes.Keys).ToList();
        Assert.True(withoutCode.Count == 0, "Diagnose builders without a catalog code of their name: " + string.Join(", ", withoutCode));
        foreach (var builder in builders)
        {
            var built = Build(builder).Descriptor;
            Assert.True(ReferenceEquals(built, codes[builder.Name]),
                $"Diagnose.{builder.Name} builds {built.Code} ({built.Title}), not {codes[builder.Name].Code}.");
        }
        Assert.Equal(DiagnosticCatalog.All.Count, builders.Select(b => Build(b).Descriptor).Distinct().Count());
        var shared = codes.Values.GroupBy(d => d.Code).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(shared.Count == 0, "Codes declared twice in the catalog: " + string.Join(", ", shared));
    }

    [Fact]
    public void Every_builder_shows_every_argument_it_is_given()
    {
        var dropped = new List<string>();
        foreach (var builder in Builders())
        {
            var parameters = builder.GetParameters();
            var message = Build(builder).Text;
            for (var i = 0; i < parameters.Length; i++)
            {
                dropped.AddRange(Shown(parameters[i], i).Where(text => !message.Contains(text, StringComparison.Ordinal))
                    .Select(_ => $"Diagnose.{builder.Name}: '{parameters[i].Name}' is not in \"{message}\""));
            }
        }

        Assert.True(dropped.Count == 0, string.Join("\n", dropped));
    }

    [Fact]
    public void A_long_or_multiline_argument_is_cut_and_kept_on_one_line()
    {
        var name = new string('x', 50_000) + "\nsecond line";

        var message = Diagnose.UnknownCheckpoint(name, " Did you mean 'o3'?").Text;

        Assert.Equal("Unknown checkpoint '" + new string('x', 197) + "...'. Did you mean 'o3'?", message);
        Assert.Equal(@"Unknown name 'a\u000Ab'.", Diagnose.UnknownName("a\nb", "").Text);
    }

    [Fact]
    public void A_kind_takes_its_article()
    {
        Assert.Equal("'Quiz' is an environment, not a function; it cannot be called.", Diagnose.NotAFunction("Quiz", "environment").Text);
        Assert.Equal("'o3' is a checkpoint, not a function; it cannot be called.", Diagnose.NotAFunction("o3", "checkpoint").Text);
    }

    [Fact]
    public void Numbers_in_messages_do_not_depend_on_the_culture()
    {
        var culture = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");

            Assert.StartsWith("alpha is 1.5, but", Diagnose.AlphaOutOfRange(1.5).Text);
            Assert.StartsWith("max_tokens is -1000000, but", Diagnose.NotPositive("max_tokens", -1_000_000).Text);
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }

    private static List<MethodInfo> Builders() =>
        typeof(Diagnose).GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly)
            .Where(m => m.ReturnType == typeof(DiagnosticMessage))
            .ToList();

    private static DiagnosticMessage Build(MethodInfo builder) =>
        (DiagnosticMessage)builder.Invoke(null, builder.GetParameters().Select(Sample).ToArray())!;

    /// <summary>A distinct value for each parameter, so the message can be searched for it.</summary>
    private static object? Sample(ParameterInfo parameter, int index)
    {
        var type = parameter.ParameterType;
        return type switch
        {
            _ when type == typeof(string) => $"<{parameter.Name}>",
            _ when type == typeof(int) => 7100 + index,
            _ when type == typeof(long) => 7200L + index,
            _ when type == typeof(double) => 7300.5 + index,
            _ when type == typeof(char) => (char)('\u03B1' + index),
            _ when type == typeof(bool) => true,
            _ when type.IsEnum => Enum.GetValues(type).GetValue(0),
            _ when type.IsAssignableFrom(typeof(string[])) => new[] { $"<{parameter.Name}.1>", $"<{parameter.Name}.2>" },
            _ => throw new NotSupportedException($"Give {type} a sample value for parameter '{parameter.Name}'."),
        };
    }

    /// <summary>The texts the message must contain for the sample of a parameter; none for a switch (bool, enum).</summary>
    private static IEnumerable<string> Shown(ParameterInfo parameter, int index) => Sample(parameter, index) switch
    {
        string text => [text],
        string[] items => items,
        bool or Enum => [],
        IFormattable number => [number.ToString(null, CultureInfo.InvariantCulture)],
        var other => [other!.ToString()!],
    };
}
