
namespace Scheme.Runtime.Cli;

/// <summary>
/// Runs a long command so that Ctrl+C stops it cleanly: the first press cancels (units in flight are abandoned,
/// finished ones are already stored), a second press ends the process at once, which is safe too because every
/// stored unit was committed in its own transaction.
/// </summary>
public static class Interruptible
{
    public static int Run(Func<CancellationToken, Task<int>> action, TextWriter output, CancellationToken external)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(external);
        void OnCancel(object? sender, ConsoleCancelEventArgs e)
        {
            if (cancel.IsCancellationRequested)
            {
                return;
            }
            e.Cancel = true;
            output.WriteLine("Stopping: abandoning units in flight (finished ones are stored). Press Ctrl+C again to quit at once.");
            cancel.Cancel();
        }
        Console.CancelKeyPress += OnCancel;
        try
        {
            return action(cancel.Token).GetAwaiter().GetResult();
        }
        finally
        {
            Console.CancelKeyPress -= OnCancel;
        }
    }
}
