using System.Xml.Linq;
using Scheme.Analysis.Reports;

namespace Scheme.Runtime.Tests.Reports;

public class IntervalChartTests
{
    [Fact]
    public void Labels_and_titles_are_text_never_markup_and_the_svg_is_well_formed()
    {
        var svg = IntervalChart.Svg("<script>alert(1)</script> & \"title\"", "rate", ["</text><script>x</script>", "ok"],
            [new IntervalSeries("a<b", "#1f77b4", [new Interval(0.2, 0.1, 0.3), null])], xMin: 0);

        var document = XDocument.Parse(svg);
        Assert.DoesNotContain(document.Descendants(), e => e.Name.LocalName == "script");
        Assert.Contains(document.Descendants(), e => e.Name.LocalName == "text" && e.Value == "</text><script>x</script>");
        Assert.Single(document.Descendants(), e => e.Name.LocalName == "circle");
    }

    [Theory]
    [InlineData(0, 1, new[] { 0, 0.2, 0.4, 0.6, 0.8, 1 })]
    [InlineData(-0.42, 0.85, new[] { -0.4, -0.2, 0, 0.2, 0.4, 0.6, 0.8 })]
    [InlineData(0, 0.047, new[] { 0, 0.01, 0.02, 0.03, 0.04 })]
    public void Ticks_are_round_numbers_across_the_range(double low, double high, double[] expected)
    {
        Assert.Equal(expected, IntervalChart.Ticks(low, high));
    }

    [Fact]
    public void Values_that_are_not_finite_draw_nothing_instead_of_breaking_the_chart()
    {
        var svg = IntervalChart.Svg("t", "x", ["a", "b"], [new IntervalSeries(null, "#000", [new Interval(double.NaN, 0, 1), new Interval(0.5, double.NegativeInfinity, 1)])]);

        var document = XDocument.Parse(svg);
        Assert.Single(document.Descendants(), e => e.Name.LocalName == "circle");
        Assert.DoesNotContain("NaN", svg);
        Assert.DoesNotContain("Infinity", svg);
    }
}
