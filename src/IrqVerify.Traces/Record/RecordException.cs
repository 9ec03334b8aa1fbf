namespace IrqVerify.Traces.Record;

/// <summary>Recording is impossible here (not Linux, not root, no tracefs, no safe device, ...): one line, exit 2.</summary>
public sealed class RecordException(string message) : Exception(message);
