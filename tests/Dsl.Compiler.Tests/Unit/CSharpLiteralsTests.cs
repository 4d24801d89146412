using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Scheme.Compiler.Emit;

namespace Scheme.Compiler.Tests.Unit;

/// <summary>Every string the emitter writes into C# reads back, through Roslyn, as exactly the original.</summary>
public sealed class CSharpLiteralsTests
{
    [Theory]
    [InlineData("")]
    [InlineData("plain")]
    [InlineData("quote \" and backslash \\")]
    [InlineData("multi\nline\nprompt\n")]
    [InlineData("\n\nstarts and ends with breaks\n\n")]
    [InlineData("contains \"\"\" three quotes\nand \"\"\"\" four")]
    [InlineData("tab\tand\r\nwindows break")]
    [InlineData("{{ if goal }}Scriban{{ end }}\n#line 1 \"not a directive\"")]
    [InlineData("line separator \u2028 and nul \0")]
    [InlineData("two lines\nwith a line separator \u2028 and a paragraph separator \u2029")]
    [InlineData("lone high \uD800 and lone low \uDC00 halves\n")]
    [InlineData("bidi \u202E override \u2066 isolate\n")]
    [InlineData("noncharacters \uFFFE \uFFFF and next line \u0085\n")]
    public void Strings_round_trip_through_the_CSharp_parser(string value) => AssertRoundTrip(value);

    [Fact]
    public void Random_strings_round_trip_through_the_CSharp_parser()
    {
        var random = new Random(20251127);
        const string alphabet = "ab \"\\\n\r\t{}#$@\u2028\u2029\u0085\u00e9\u4e2d\uD800\uDC00\u202E\uFEFF\uFFFF\0";
        for (var i = 0; i < 2000; i++)
        {
            var value = new string(Enumerable.Range(0, random.Next(0, 40)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            AssertRoundTrip(value);
        }
    }

    [Theory]
    [InlineData(0.0, "0.0")]
    [InlineData(0.13, "0.13")]
    [InlineData(100.0, "100.0")]
    [InlineData(1e-300, "1E-300")]
    public void Numbers_are_written_so_they_read_back_as_doubles(double value, string expected)
    {
        Assert.Equal(expected, CSharpLiterals.Number(value));
        Assert.Equal(value, (double)((LiteralExpressionSyntax)SyntaxFactory.ParseExpression(expected)).Token.Value!);
    }

    [Theory]
    [InlineData("goal", "goal")]
    [InlineData("class", "@class")]
    [InlineData("event", "@event")]
    public void Keywords_are_escaped_as_identifiers(string name, string expected) => Assert.Equal(expected, CSharpLiterals.Identifier(name));

    private static void AssertRoundTrip(string value)
    {
        var code = $"class C {{ string s = {CSharpLiterals.String(value)}; }}";
        // Through UTF-8, as the generated file is written: a lone surrogate would silently become U+FFFD.
        var tree = Scheme.Compiler.Tests.Golden.CSharpBuild.Parse(code, "literal.cs");
        Assert.Empty(tree.GetDiagnostics());
        var literal = tree.GetRoot().DescendantNodes().OfType<LiteralExpressionSyntax>().Single();
        Assert.Equal(value, literal.Token.ValueText);
    }
}
