using System.Globalization;
using Scheme.Compiler.Diagnostics;
using Scheme.Compiler.Semantics.Expressions;
using Scheme.Compiler.Syntax;

namespace Scheme.Compiler.Semantics.Binding;

/// <summary>Reads settings whose values must be known when the suite compiles.</summary>
public sealed class ConstantReader(BinderContext context, string owner)
{
    private ExpressionBinder Binder(string description) =>
        new(context, new ExpressionContext(ExpressionContextKind.Constant, owner, description));

    /// <summary>A string literal or load("file").</summary>
    public string? String(PropertySyntax property)
    {
        var bound = Binder($"'{property.Name.Text}'").Bind(property.Value, SchemeType.String);
        return bound is BoundLiteral { Value: string s } ? s : null;
    }

    public double? Number(PropertySyntax property)
    {
        if (NumberLiteral(property.Value, context) is { IsNumber: true } number)
        {
            return number.Value;
        }
        ReportConstant(property, SchemeType.Number);
        return null;
    }

    /// <summary>
    /// A number written as a constant (<c>13%</c>, <c>2.5</c>, <c>-1</c>): IsNumber says it is one; Value is null when it
    /// is too large for a double, which is reported here (SCH0307), so callers report nothing more. The one reading of
    /// number constants for properties, params, cells, expect and simulate.
    /// </summary>
    public static (bool IsNumber, double? Value) NumberLiteral(ExpressionSyntax syntax, BinderContext context)
    {
        var (literal, sign) = syntax switch
        {
            NumberLiteralSyntax n => (n, 1.0),
            UnaryExpressionSyntax { Operator: UnaryOperator.Negate, Operand: NumberLiteralSyntax n } => (n, -1.0),
            _ => ((NumberLiteralSyntax?)null, 0.0),
        };
        if (literal is null)
        {
            return (false, null);
        }
        if (double.IsInfinity(literal.Value))
        {
            context.Report(literal.Span, Diagnose.NumberOutOfRange((sign < 0 ? "-" : "") + literal.Text, "1.7E+308"));
            return (true, null);
        }
        return (true, sign * literal.Value);
    }

    public long? Integer(PropertySyntax property)
    {
        var value = Number(property);
        if (value is null)
        {
            return null;
        }
        if (Math.Abs(value.Value) > 9e15)
        {
            context.Report(property.Value.Span, Diagnose.NumberOutOfRange(property.Name.Text, "9000000000000000"));
            return null;
        }
        if (value != Math.Floor(value.Value))
        {
            context.Report(property.Value.Span, Diagnose.IntegerExpected(property.Name.Text, value.Value));
            return null;
        }
        return (long)value.Value;
    }

    /// <summary>A positive whole number, reported with <paramref name="notPositive"/> (given the property and the value) when below 1.</summary>
    public int? PositiveInteger(PropertySyntax property, Func<string, long, DiagnosticMessage> notPositive)
    {
        var value = Integer(property);
        if (value is null)
        {
            return null;
        }
        if (value > int.MaxValue)
        {
            context.Report(property.Value.Span, Diagnose.NumberOutOfRange(property.Name.Text, int.MaxValue.ToString(CultureInfo.InvariantCulture)));
            return null;
        }
        if (value < 1)
        {
            context.Report(property.Value.Span, notPositive(property.Name.Text, value.Value));
            return null;
        }
        return (int)value;
    }

    /// <summary>A positive whole number that may pass 32 bits (a size in bytes), reported with <paramref name="notPositive"/> when below 1.</summary>
    public long? PositiveLong(PropertySyntax property, Func<string, long, DiagnosticMessage> notPositive)
    {
        var value = Integer(property);
        if (value is < 1)
        {
            context.Report(property.Value.Span, notPositive(property.Name.Text, value.Value));
            return null;
        }
        return value;
    }

    /// <summary>A bare word (provider: openai) or a string; both spellings are accepted.</summary>
    public string? Word(PropertySyntax property) => Word(property.Value, property.Name.Text);

    public string? Word(ExpressionSyntax value, string what)
    {
        switch (value)
        {
            case NameExpressionSyntax { Name.IsMissing: false } n:
                return n.Name.Text;
            case StringLiteralSyntax s:
                return s.Value;
            case MissingExpressionSyntax:
                return null;
            default:
                context.Report(value.Span, Diagnose.ConstantExpected($"'{what}'"));
                return null;
        }
    }

    /// <summary>A list of bare words: [o3, o3_as]. A single word is accepted as a list of one.</summary>
    public List<(string Text, ExpressionSyntax Syntax)> WordList(PropertySyntax property)
    {
        var items = property.Value switch
        {
            ListExpressionSyntax list => list.Items.ToList(),
            NameExpressionSyntax single => [single],
            MissingExpressionSyntax => [],
            _ => null,
        };
        if (items is null)
        {
            context.Report(property.Value.Span, Diagnose.ListExpected($"'{property.Name.Text}'"));
            return [];
        }
        var result = new List<(string, ExpressionSyntax)>();
        foreach (var item in items)
        {
            if (Word(item, property.Name.Text) is { } word)
            {
                result.Add((word, item));
            }
        }
        return result;
    }

    private void ReportConstant(PropertySyntax property, SchemeType type)
    {
        if (property.Value is MissingExpressionSyntax)
        {
            return;
        }
        if (property.Value is StringLiteralSyntax or BooleanLiteralSyntax or ListExpressionSyntax)
        {
            var actual = property.Value switch
            {
                StringLiteralSyntax => SchemeType.String,
                BooleanLiteralSyntax => SchemeType.Bool,
                _ => SchemeType.ListOf(SchemeType.Error),
            };
            context.Report(property.Value.Span, Diagnose.TypeMismatch(type.Describe(), actual.Describe(), $" ('{property.Name.Text}')"));
            return;
        }
        context.Report(property.Value.Span, Diagnose.ConstantExpected($"'{property.Name.Text}'"));
    }

    public static string Format(double value) => value.ToString("G", CultureInfo.InvariantCulture);
}
