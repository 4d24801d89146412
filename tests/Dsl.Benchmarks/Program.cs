namespace Scheme.Benchmarks;

/// <summary>
/// Entry point: <c>Dsl.Benchmarks SUITE [args]</c>. A suite is a class implementing <see cref="IBenchmarkSuite"/>;
/// suites are found by reflection, so adding one needs no change here.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var suites = typeof(Program).Assembly.GetTypes()
            .Where(t => typeof(IBenchmarkSuite).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .Select(t => (IBenchmarkSuite)Activator.CreateInstance(t)!)
            .ToDictionary(s => s.Name, StringComparer.OrdinalIgnoreCase);
        if (args.Length == 0 || !suites.TryGetValue(args[0], out var suite))
        {
            Console.Error.WriteLine("usage: Dsl.Benchmarks SUITE [args]");
            foreach (var s in suites.Values.OrderBy(s => s.Name))
            {
                Console.Error.WriteLine($"  {s.Name,-20} {s.Description}");
            }
            return 2;
        }
        return await suite.RunAsync(args[1..]);
    }
}

/// <summary>A named group of measurements that prints its figures.</summary>
public interface IBenchmarkSuite
{
    string Name { get; }

    string Description { get; }

    Task<int> RunAsync(string[] args);
}
