namespace Scheme.Runtime.Providers;

public enum ChatRole
{
    System,
    User,
    Assistant,
    Tool,
}
