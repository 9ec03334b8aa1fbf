namespace IrqVerify.Model.Core;

/// <summary>
/// A list of a subsystem's state whose every change bumps the subsystem's <see cref="ChangeEpoch"/>.
/// Enumerates without allocating, like <see cref="List{T}"/>.
/// </summary>
public sealed class TrackedList<T>(ChangeEpoch epoch, int capacity = 4) : IReadOnlyList<T>
{
    private readonly List<T> _items = new(capacity);

    public int Count => _items.Count;
    public T this[int i] => _items[i];

    public void Add(T item) { _items.Add(item); epoch.Bump(); }
    public void Insert(int index, T item) { _items.Insert(index, item); epoch.Bump(); }
    public bool Remove(T item) { epoch.Bump(); return _items.Remove(item); }
    public void RemoveAt(int index) { _items.RemoveAt(index); epoch.Bump(); }
    public void Clear() { _items.Clear(); epoch.Bump(); }
    public bool Contains(T item) => _items.Contains(item);
    public int FindIndex(Predicate<T> match) => _items.FindIndex(match);

    public List<T>.Enumerator GetEnumerator() => _items.GetEnumerator();
    IEnumerator<T> IEnumerable<T>.GetEnumerator() => _items.GetEnumerator();
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => _items.GetEnumerator();
}
