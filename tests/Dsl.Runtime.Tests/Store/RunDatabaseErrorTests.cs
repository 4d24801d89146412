using Scheme.Engine.Store;

namespace Scheme.Runtime.Tests.Store;

/// <summary>
/// SQLite errors that say nothing about run.db (a full temp directory while sorting, a lock, an I/O failure) are said as
/// what they are, not as "not a readable run database", which would send a user to throw a good run away.
/// </summary>
public class RunDatabaseErrorTests
{
    [Theory]
    [InlineData(13, "disk full (SQLite sorts in SQLITE_TMPDIR, default /tmp")]
    [InlineData(5, "the database is busy")]
    [InlineData(10, "I/O error")]
    [InlineData(266, "I/O error")] // SQLITE_IOERR_READ: extended codes keep the primary code in their low byte
    [InlineData(522, "I/O error")] // SQLITE_IOERR_SHORT_READ
    public void Errors_that_are_not_the_files_fault_say_what_they_are(int code, string expected)
    {
        var error = RunDatabase.Failed("runs/x/run.db", code, "SQLite Error: 'x'.");

        Assert.StartsWith("cannot read runs/x/run.db: " + expected, error.Message);
        Assert.DoesNotContain("not a readable run database", error.Message);
    }

    [Theory]
    [InlineData(26)] // SQLITE_NOTADB
    [InlineData(11)] // SQLITE_CORRUPT
    public void A_file_that_is_not_a_run_database_is_still_said_to_be_one(int code)
    {
        Assert.StartsWith("runs/x/run.db is not a readable run database", RunDatabase.Failed("runs/x/run.db", code, "x").Message);
    }

    [Fact]
    public void A_real_damaged_file_is_not_a_readable_run_database()
    {
        var path = Path.Combine(Path.GetTempPath(), $"notadb-{Guid.NewGuid():N}.db");
        File.WriteAllText(path, new string('x', 4096));
        try
        {
            var error = Assert.Throws<InvalidDataException>(() => RunDatabase.ReadUnits(path, []).ToList());
            Assert.Contains("is not a readable run database", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
