using System.ComponentModel.DataAnnotations;

namespace AbuseDetector.Monitoring.Tests;

public sealed class CallHistoryOptionsTests
{
    [Fact]
    public void Validate_Defaults_Valid()
    {
        // Act
        var errors = Validate(new CallHistoryOptions());

        // Assert
        Assert.Empty(errors);
    }

    [Fact]
    public void Constructor_NothingSet_DocumentedDefaults()
    {
        // Act
        var options = new CallHistoryOptions();

        // Assert
        Assert.Equal(TimeSpan.FromDays(30), options.RepeatCallerWindow);
        Assert.Equal(TimeSpan.FromHours(8), options.WellbeingShiftWindow);
        Assert.Equal(3, options.WellbeingCallsInARow);
        Assert.Equal(5, options.WellbeingCallsPerShift);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.HistoryLookupTimeout);
    }

    public static TheoryData<Action<CallHistoryOptions>, string> OutOfRange => new()
    {
        { o => o.RepeatCallerWindow = TimeSpan.FromMinutes(59), "RepeatCallerWindow must be between 1 hour and 365 days." },
        { o => o.WellbeingShiftWindow = TimeSpan.FromHours(25), "WellbeingShiftWindow must be between 10 minutes and 1 day." },
        { o => o.WellbeingCallsInARow = 1, "WellbeingCallsInARow must be between 2 and 100." },
        { o => o.WellbeingCallsPerShift = 1001, "WellbeingCallsPerShift must be between 2 and 1000." },
        { o => o.HistoryLookupTimeout = TimeSpan.FromSeconds(6), "HistoryLookupTimeout must be between 10 ms and 5 s." },
        { o => o.HistoryLookupTimeout = TimeSpan.FromMilliseconds(9), "HistoryLookupTimeout must be between 10 ms and 5 s." },
    };

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public void Validate_SettingOutOfRange_OneErrorSayingTheRange(Action<CallHistoryOptions> change, string message)
    {
        // Arrange
        var options = new CallHistoryOptions();
        change(options);

        // Act
        var errors = Validate(options);

        // Assert
        Assert.Equal([message], errors.Select(e => e.ErrorMessage));
    }

    private static List<ValidationResult> Validate(CallHistoryOptions options)
    {
        var errors = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), errors, validateAllProperties: true);
        return errors;
    }
}
