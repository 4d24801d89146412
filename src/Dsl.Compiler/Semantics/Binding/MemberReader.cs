using Scheme.Compiler.Diagnostics;
using Scheme.Compiler.Syntax;

namespace Scheme.Compiler.Semantics.Binding;

/// <summary>
/// Walks the members of a declaration block and dispatches each property to its handler, reporting
/// unknown properties (with a did-you-mean and the list of known ones), properties set twice, and member
/// forms the declaration kind does not accept.
/// </summary>
public sealed class MemberReader(BinderContext context, IEnumerable<MemberSyntax> members, string describedAs)
{
    private readonly Dictionary<string, Action<PropertySyntax>> _properties = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, Action<MemberSyntax>> _forms = [];

    public MemberReader Property(string name, Action<PropertySyntax> handler)
    {
        _properties[name] = handler;
        return this;
    }

    public MemberReader Form<T>(Action<T> handler) where T : MemberSyntax
    {
        _forms[typeof(T)] = m => handler((T)m);
        return this;
    }

    /// <summary>Any property name is accepted (spec principles: AS1, GP2, ...).</summary>
    public MemberReader AnyProperty(Action<PropertySyntax> handler)
    {
        _anyProperty = handler;
        return this;
    }

    private Action<PropertySyntax>? _anyProperty;

    public IReadOnlySet<string> Read()
    {
        var seen = new Dictionary<string, PropertySyntax>(StringComparer.Ordinal);
        foreach (var member in members)
        {
            if (member is PropertySyntax property)
            {
                ReadProperty(property, seen);
            }
            else if (_forms.TryGetValue(member.GetType(), out var form))
            {
                form(member);
            }
            else
            {
                context.Report(MemberHead(member), Diagnose.MemberNotAllowed(DescribeForm(member), describedAs, BelongsIn(member)));
            }
        }
        return seen.Keys.ToHashSet(StringComparer.Ordinal);
    }

    private void ReadProperty(PropertySyntax property, Dictionary<string, PropertySyntax> seen)
    {
        var name = property.Name;
        if (name.IsMissing)
        {
            return;
        }
        if (seen.TryGetValue(name.Text, out var first))
        {
            context.Report(name.Span, Diagnose.DuplicateMember(name.Text, describedAs, context.Describe(context.File, first.Span)));
            return;
        }
        seen[name.Text] = property;
        if (_properties.TryGetValue(name.Text, out var handler))
        {
            handler(property);
        }
        else if (_anyProperty is not null)
        {
            _anyProperty(property);
        }
        else
        {
            var known = _properties.Keys.Order(StringComparer.Ordinal).ToList();
            context.Report(name.Span, Diagnose.UnknownProperty(name.Text, describedAs,
                NameSuggester.Suggest(name.Text, known), known));
        }
    }

    private static Scheme.Compiler.Text.TextSpan MemberHead(MemberSyntax member) => member switch
    {
        ParamSyntax p when !p.Name.IsMissing => Scheme.Compiler.Text.TextSpan.FromBounds(p.Span.Start, p.Name.Span.End),
        AssignmentSyntax a => a.Target.Span,
        LimitsSyntax l => l.Keyword,
        OutcomeSyntax o when !o.Name.IsMissing => Scheme.Compiler.Text.TextSpan.FromBounds(o.Span.Start, o.Name.Span.End),
        _ => new Scheme.Compiler.Text.TextSpan(member.Span.Start, Math.Min(member.Span.Length, 9)),
    };

    private static string DescribeForm(MemberSyntax member) => member switch
    {
        ParamSyntax => "A param",
        WorkspaceSyntax { GraderOnly: true } => "A grader_files block",
        WorkspaceSyntax => "A workspace",
        FollowupSyntax => "A followup",
        OutcomeSyntax => "An outcome",
        ExpectSyntax => "An expect clause",
        AssignmentSyntax => "An assignment metric[...] = value",
        LimitsSyntax => "A limits block",
        _ => "This member",
    };

    private static string BelongsIn(MemberSyntax member) => member switch
    {
        ParamSyntax or WorkspaceSyntax or FollowupSyntax or LimitsSyntax or OutcomeSyntax => "an environment",
        ExpectSyntax => "a hypothesis",
        AssignmentSyntax => "a simulate block",
        _ => "another kind of declaration",
    };
}
