namespace Scheme.Model;

/// <summary>An email the model sent with send_email; nothing leaves the process.</summary>
public sealed record Email(string To, string Subject, string Body);
