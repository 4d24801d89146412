using Scheme.Engine.Design;
using Scheme.Runtime.Tests.Engine;

namespace Scheme.Runtime.Tests.Shards;

public sealed class ShardSpecTests
{
    [Theory]
    [InlineData("0/1", 0, 1)]
    [InlineData("7/8", 7, 8)]
    [InlineData(" 2 / 3 ", 2, 3)]
    public void Parses_I_of_N_counted_from_zero(string text, int index, int count) =>
        Assert.Equal(new ShardSpec(index, count), ShardSpec.Parse(text));

    [Theory]
    [InlineData("8/8")]
    [InlineData("1/0")]
    [InlineData("-1/4")]
    [InlineData("1")]
    [InlineData("1/2/3")]
    [InlineData("one/two")]
    [InlineData("0/100001")]
    [InlineData("99999999999/3")]
    public void Refuses_what_is_not_a_shard(string text)
    {
        Assert.Null(ShardSpec.TryParse(text, out var problem));
        Assert.Contains("--shard", problem);
        Assert.Throws<FormatException>(() => ShardSpec.Parse(text));
    }

    [Fact]
    public void Names_its_directory_and_its_siblings()
    {
        var spec = new ShardSpec(1, 3);
        Assert.Equal("shard-1-of-3", spec.DirectoryName);
        Assert.Equal(spec, ShardSpec.FromDirectoryName("shard-1-of-3"));
        Assert.Null(ShardSpec.FromDirectoryName("shard-3-of-3"));
        Assert.Equal([Path.Combine("out", "shard-0-of-3"), Path.Combine("out", "shard-2-of-3")], ShardSpec.SiblingDirectories("out", spec));
    }

    [Fact]
    public void The_shards_partition_the_units_evenly()
    {
        var experiment = TestExperiments.Agentic("KEY", tasks: 100, epochs: 100);
        var ids = experiment.Runs.SelectMany(r => DesignExpander.Expand(experiment, r)).Select(u => u.Id).ToList();
        Assert.Equal(10_000, ids.Count);
        foreach (var count in (int[])[1, 2, 3, 8])
        {
            var sizes = Enumerable.Range(0, count).Select(i => ids.Count(id => new ShardSpec(i, count).Contains(id))).ToList();
            Assert.Equal(ids.Count, sizes.Sum()); // every unit in exactly one shard (Contains is one index per id)
            var expected = ids.Count / (double)count;
            // Binomial spread: within 4 standard deviations of an even split.
            var spread = 4 * Math.Sqrt(ids.Count * (1.0 / count) * (1 - 1.0 / count));
            Assert.All(sizes, size => Assert.InRange(size, expected - spread - 1, expected + spread + 1));
        }
    }

    [Fact]
    public void Adding_epochs_moves_no_existing_unit_to_another_shard()
    {
        var small = TestExperiments.Agentic("KEY", tasks: 20, epochs: 2);
        var large = TestExperiments.Agentic("KEY", tasks: 20, epochs: 5);
        var before = small.Runs.SelectMany(r => DesignExpander.Expand(small, r)).ToDictionary(u => u.Id, u => ShardSpec.Of(u.Id, 4));
        var after = large.Runs.SelectMany(r => DesignExpander.Expand(large, r)).ToDictionary(u => u.Id, u => ShardSpec.Of(u.Id, 4));
        Assert.All(before, pair => Assert.Equal(pair.Value, after[pair.Key]));
    }
}
