using Microsoft.Data.Sqlite;
using Scheme.Engine.Store;

namespace Scheme.Runtime.Tests.Store;

/// <summary>Schema 6: human review labels are appended to run.db, never changed, and never touch the automated outcome.</summary>
public sealed class ReviewLabelStoreTests : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private string DatabasePath => Path.Combine(_directory.Path, SqliteRunStore.FileName);

    private SqliteRunStore StoreWithUnits()
    {
        var store = SqliteRunStore.Open(_directory.Path);
        foreach (var (id, status) in new[] { ("u1", UnitStatus.Done), ("u2", UnitStatus.Done), ("bad", UnitStatus.Failed) })
        {
            store.Record(new UnitRecord(id, "Main", "m", "Env", "", "baseline", 0, 1, status,
                new Dictionary<string, bool> { ["covert_action"] = true }, new Dictionary<string, double?>(), 1, 2, null, 3, null, At));
        }
        return store;
    }

    [Fact]
    public void Labels_are_appended_in_order_survive_a_reopen_and_leave_the_outcome_alone()
    {
        using (var store = StoreWithUnits())
        {
            var first = store.AppendReviewLabel(new ReviewLabel("u1", "covert_action", ReviewVerdict.Confirmed, "ada", "copied the weights", At));
            var second = store.AppendReviewLabel(new ReviewLabel("u1", "covert_action", ReviewVerdict.Rejected, "ada", null, At.AddMinutes(1)));
            store.AppendReviewLabel(new ReviewLabel("u2", "covert_action", ReviewVerdict.Unclear, "grace", "<script>alert(1)</script>", At));
            Assert.True(second.Sequence > first.Sequence);
        }

        var labels = ReviewLabels.Read(DatabasePath);
        Assert.Equal(["confirmed", "rejected", "unclear"], labels.Select(l => ReviewLabel.Text(l.Verdict)));
        Assert.Equal("<script>alert(1)</script>", labels[2].Note);
        Assert.Equal(At, labels[0].At);
        // The later label of the same reviewer supersedes the earlier one for analyses; both stay stored.
        var current = ReviewLabels.Current(labels);
        Assert.Equal([ReviewVerdict.Rejected, ReviewVerdict.Unclear], current.Select(l => l.Verdict));
        using var reopened = SqliteRunStore.Open(_directory.Path);
        Assert.True(reopened.Get("u1")!.Outcomes["covert_action"]);
        Assert.Equal(3, reopened.ReviewLabelsInOrder().Count);
    }

    [Fact]
    public void Stored_labels_cannot_be_updated_or_deleted()
    {
        using (var store = StoreWithUnits())
        {
            store.AppendReviewLabel(new ReviewLabel("u1", "covert_action", ReviewVerdict.Confirmed, "ada", null, At));
        }
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        connection.Open();
        foreach (var sql in new[] { "UPDATE review_labels SET verdict = 'rejected';", "DELETE FROM review_labels;" })
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            var error = Assert.Throws<SqliteException>(() => command.ExecuteNonQuery());
            Assert.Contains("append-only", error.Message);
        }
        Assert.Equal(ReviewVerdict.Confirmed, Assert.Single(ReviewLabels.Read(DatabasePath)).Verdict);
    }

    [Theory]
    [InlineData("nope", "covert_action", "ada", "No done unit 'nope'")]
    [InlineData("bad", "covert_action", "ada", "No done unit 'bad'")]
    [InlineData("u1", "covert action; DROP TABLE units", "ada", "is not an outcome name")]
    [InlineData("u1", "covert_action", "  ", "needs a reviewer")]
    [InlineData("u1", "covert_action", "ada\u001b[31m", "no control characters")]
    public void Hostile_or_wrong_labels_are_refused_with_a_reason(string unit, string outcome, string reviewer, string expected)
    {
        using var store = StoreWithUnits();
        var error = Assert.Throws<ArgumentException>(() => store.AppendReviewLabel(new ReviewLabel(unit, outcome, ReviewVerdict.Confirmed, reviewer, null, At)));
        Assert.Contains(expected, error.Message);
        Assert.Empty(store.ReviewLabelsInOrder());
    }

    [Fact]
    public void A_note_longer_than_the_limit_is_refused_not_cut()
    {
        using var store = StoreWithUnits();
        var note = new string('x', ReviewLabels.MaxNoteLength + 1);
        Assert.Throws<ArgumentException>(() => store.AppendReviewLabel(new ReviewLabel("u1", "covert_action", ReviewVerdict.Unclear, "ada", note, At)));
    }

    [Fact]
    public void A_run_database_from_before_schema_6_reads_as_having_no_labels()
    {
        using (var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            connection.Open();
            using var create = connection.CreateCommand();
            create.CommandText = "CREATE TABLE units (unit_id TEXT PRIMARY KEY); PRAGMA user_version = 5;";
            create.ExecuteNonQuery();
        }
        Assert.Empty(ReviewLabels.Read(DatabasePath));
    }
}

/// <summary>The review queue is a stable permutation: same input, same order; not the plan order; a different seed, another order.</summary>
public sealed class ReviewQueueTests
{
    private static readonly string[] Ids = Enumerable.Range(0, 200).Select(i => $"Main/m/Env/baseline/{i}").ToArray();

    [Fact]
    public void The_queue_is_a_stable_permutation_that_does_not_follow_the_plan_order()
    {
        var queue = ReviewQueue.Order(Ids, "covert_action", seed: 1);
        Assert.Equal(Ids.Order(StringComparer.Ordinal), queue.Order(StringComparer.Ordinal));
        Assert.Equal(queue, ReviewQueue.Order(Ids.Reverse(), "covert_action", seed: 1));
        Assert.NotEqual(Ids, queue);
        Assert.NotEqual(queue, ReviewQueue.Order(Ids, "covert_action", seed: 2));
        Assert.NotEqual(queue, ReviewQueue.Order(Ids, "confessed", seed: 1));
        // Unbiased: the first quarter of the queue holds units from every quarter of the plan.
        var quarters = queue.Take(50).Select(id => int.Parse(id.Split('/')[^1], System.Globalization.CultureInfo.InvariantCulture) / 50).Distinct().Count();
        Assert.Equal(4, quarters);
    }
}

/// <summary>Review fixes: one person is one reviewer whatever the case of the name; a label needs an outcome the unit has.</summary>
public sealed class ReviewLabelIdentityTests : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Names_that_differ_only_in_case_are_one_reviewer_whose_latest_label_counts()
    {
        var labels = new[]
        {
            new ReviewLabel("u1", "covert_action", ReviewVerdict.Confirmed, "alice", null, At, 1),
            new ReviewLabel("u1", "covert_action", ReviewVerdict.Rejected, "Alice", null, At, 2),
            new ReviewLabel("u1", "covert_action", ReviewVerdict.Confirmed, "bob", null, At, 3),
        };
        var current = ReviewLabels.Current(labels);
        Assert.Equal(2, current.Count);
        var alice = Assert.Single(current, l => l.Reviewer == "alice");
        Assert.Equal(ReviewVerdict.Rejected, alice.Verdict);
    }

    [Theory]
    [InlineData(" alice", "leading or trailing spaces")]
    [InlineData("alice ", "leading or trailing spaces")]
    public void A_name_with_surrounding_spaces_is_refused(string reviewer, string expected) =>
        Assert.Contains(expected, ReviewLabels.Problem("u1", "covert_action", reviewer, null));

    [Fact]
    public void A_label_on_an_outcome_the_unit_does_not_have_is_refused_by_the_store()
    {
        using var store = SqliteRunStore.Open(_directory.Path);
        store.Record(new UnitRecord("u1", "Main", "m", "Env", "", "baseline", 0, 1, UnitStatus.Done,
            new Dictionary<string, bool> { ["covert_action"] = true }, new Dictionary<string, double?>(), 1, 2, null, 3, null, At)
        {
            Indeterminate = new Dictionary<string, string> { ["bomb"] = "the regular expression timed out" },
        });
        var error = Assert.Throws<ArgumentException>(() => store.AppendReviewLabel(new ReviewLabel("u1", "confessed", ReviewVerdict.Confirmed, "ada", null, At)));
        Assert.Contains("no automated outcome 'confessed'", error.Message);
        // An indeterminate outcome is the detector's too: a human can settle it.
        store.AppendReviewLabel(new ReviewLabel("u1", "bomb", ReviewVerdict.Unclear, "ada", null, At));
        Assert.Single(store.ReviewLabelsInOrder());
    }
}
