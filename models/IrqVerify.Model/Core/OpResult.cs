namespace IrqVerify.Model.Core;

/// <summary>
/// Where an operation leaves its outcome: an error number, or a value (a count, a Linux irq, a
/// port). Iterators cannot return values, so every operation receives one of these.
/// </summary>
public sealed class OpResult
{
    public Errno Error { get; private set; }
    public long Value { get; private set; }
    public bool HasValue { get; private set; }
    public bool Ok => Error == Errno.Ok;

    public void Set(long value) { Value = value; HasValue = true; Error = Errno.Ok; }
    public void Fail(Errno e) { Error = e; HasValue = false; Value = 0; }
    public void Reset() { Error = Errno.Ok; Value = 0; HasValue = false; }

    public override string ToString() => !Ok ? Error.Format() : HasValue ? Value.ToString(System.Globalization.CultureInfo.InvariantCulture) : "0";
}
