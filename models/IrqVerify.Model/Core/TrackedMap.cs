namespace IrqVerify.Model.Core;

/// <summary>
/// A sorted map of a subsystem's state whose every change bumps the subsystem's
/// <see cref="ChangeEpoch"/> (the PCI descriptor xarray). Checks walk it after every step and it
/// changes far less often, so its entries in key order are kept as an array, rebuilt on the first
/// walk after a change: walking allocates nothing (a SortedDictionary walk allocates its stack).
/// </summary>
public sealed class TrackedMap<TKey, TValue>(ChangeEpoch epoch) : IReadOnlyCollection<KeyValuePair<TKey, TValue>> where TKey : notnull
{
    private readonly SortedDictionary<TKey, TValue> _items = new();
    private KeyValuePair<TKey, TValue>[]? _entries;
    private TValue[]? _values;

    public int Count => _items.Count;
    /// <summary>The values in key order (a view of the cached array, valid until the next change).</summary>
    public ArrayView<TValue> Values => new(_values ??= [.. _items.Values]);
    public SortedDictionary<TKey, TValue>.KeyCollection Keys => _items.Keys;

    public TValue this[TKey key]
    {
        get => _items[key];
        set { _items[key] = value; Changed(); }
    }

    public bool TryGetValue(TKey key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out TValue value) => _items.TryGetValue(key, out value);
    public bool ContainsKey(TKey key) => _items.ContainsKey(key);
    public void Add(TKey key, TValue value) { _items.Add(key, value); Changed(); }
    public bool Remove(TKey key) { Changed(); return _items.Remove(key); }
    public void Clear() { _items.Clear(); Changed(); }

    private void Changed()
    {
        _entries = null;
        _values = null;
        epoch.Bump();
    }

    /// <summary>The entries in key order (a view of the cached array, valid until the next change).</summary>
    public ArrayView<KeyValuePair<TKey, TValue>>.Enumerator GetEnumerator() => new ArrayView<KeyValuePair<TKey, TValue>>(_entries ??= [.. _items]).GetEnumerator();
    IEnumerator<KeyValuePair<TKey, TValue>> IEnumerable<KeyValuePair<TKey, TValue>>.GetEnumerator() => ((IEnumerable<KeyValuePair<TKey, TValue>>)(_entries ??= [.. _items])).GetEnumerator();
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => (_entries ??= [.. _items]).GetEnumerator();
}
