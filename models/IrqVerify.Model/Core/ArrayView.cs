namespace IrqVerify.Model.Core;

/// <summary>A read-only view of an array whose foreach allocates nothing and, unlike a span, may
/// stay alive across an iterator's yield.</summary>
public readonly struct ArrayView<T>(T[] items) : IReadOnlyList<T>
{
    public int Count => items.Length;
    public T this[int i] => items[i];

    public Enumerator GetEnumerator() => new(items);
    IEnumerator<T> IEnumerable<T>.GetEnumerator() => ((IEnumerable<T>)items).GetEnumerator();
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => items.GetEnumerator();

    public struct Enumerator(T[] items)
    {
        private int _i = -1;
        public bool MoveNext() => ++_i < items.Length;
        public readonly T Current => items[_i];
    }
}
