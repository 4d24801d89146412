using System.Text;
using Scheme.Model;

namespace Scheme.Engine.Episodes;

/// <summary>The conversation as plain text, what a judge reads by default.</summary>
public static class EpisodeText
{
    public static string Render(IEnumerable<ChatMessage> messages)
    {
        var text = new StringBuilder();
        foreach (var message in messages)
        {
            text.Append(message.Role.ToString().ToLowerInvariant()).Append(": ").Append(message.Content).Append('\n');
            foreach (var call in message.ToolCalls ?? [])
            {
                text.Append("[call ").Append(call.Name).Append(' ').Append(call.ArgumentsJson).Append("]\n");
            }
            text.Append('\n');
        }
        return text.ToString().TrimEnd();
    }
}
