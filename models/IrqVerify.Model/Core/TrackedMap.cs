namespace IrqVerify.Model.Core;

/// <summary>
/// A sorted map of a subsystem's state whose every change bumps the subsystem's
/// <see cref="ChangeEpoch"/> (the PCI descriptor xarray).
/// </summary>
public sealed class TrackedMap<TKey, TValue>(ChangeEpoch epoch) : IReadOnlyCollection<KeyValuePair<TKey, TValue>> where TKey : notnull
{
    private readonly SortedDictionary<TKey, TValue> _items = new();

    public int Count => _items.Count;
    public SortedDictionary<TKey, TValue>.ValueCollection Values => _items.Values;
    public SortedDictionary<TKey, TValue>.KeyCollection Keys => _items.Keys;

    public TValue this[TKey key]
    {
        get => _items[key];
        set { _items[key] = value; epoch.Bump(); }
    }

    public bool TryGetValue(TKey key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out TValue value) => _items.TryGetValue(key, out value);
    public bool ContainsKey(TKey key) => _items.ContainsKey(key);
    public void Add(TKey key, TValue value) { _items.Add(key, value); epoch.Bump(); }
    public bool Remove(TKey key) { epoch.Bump(); return _items.Remove(key); }
    public void Clear() { _items.Clear(); epoch.Bump(); }

    public SortedDictionary<TKey, TValue>.Enumerator GetEnumerator() => _items.GetEnumerator();
    IEnumerator<KeyValuePair<TKey, TValue>> IEnumerable<KeyValuePair<TKey, TValue>>.GetEnumerator() => _items.GetEnumerator();
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => _items.GetEnumerator();
}
