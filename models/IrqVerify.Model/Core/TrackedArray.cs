namespace IrqVerify.Model.Core;

/// <summary>
/// A fixed-size array of a subsystem's state whose every write bumps the subsystem's
/// <see cref="ChangeEpoch"/> (element writes of a plain array would bypass it).
/// </summary>
public sealed class TrackedArray<T>(int length, ChangeEpoch epoch) : IReadOnlyList<T>
{
    private readonly T[] _items = new T[length];

    public int Length => _items.Length;
    int IReadOnlyCollection<T>.Count => _items.Length;

    public T this[int i]
    {
        get => _items[i];
        set { _items[i] = value; epoch.Bump(); }
    }

    /// <summary>An element to change in place (a struct's field): bumps the epoch first. Use the
    /// reference at once, within the step (never keep it).</summary>
    public ref T Mutable(int i)
    {
        epoch.Bump();
        return ref _items[i];
    }

    public void Fill(T value) { Array.Fill(_items, value); epoch.Bump(); }

    public void CopyFrom(TrackedArray<T> o) { Array.Copy(o._items, _items, _items.Length); epoch.Bump(); }

    /// <summary>Allocation-free foreach (reads only).</summary>
    public ReadOnlySpan<T>.Enumerator GetEnumerator() => new ReadOnlySpan<T>(_items).GetEnumerator();
    IEnumerator<T> IEnumerable<T>.GetEnumerator() => ((IEnumerable<T>)_items).GetEnumerator();
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => _items.GetEnumerator();

    /// <summary>Read-only view for the checks' hot loops.</summary>
    public ReadOnlySpan<T> AsSpan() => _items;
}
