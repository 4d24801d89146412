namespace Scheme.Model;

public enum ChatRole
{
    System,
    User,
    Assistant,
    Tool,
}
