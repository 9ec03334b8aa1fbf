namespace IrqVerify.Model.Core;

/// <summary>
/// Owners of the locks that are held across scheduling points. A lock is free when absent.
/// Owners are thread ids (see <see cref="ModelThread.Id"/>); sequential callers use id 0.
/// Few locks are ever held at once, so a small list beats a dictionary and copies cheaply.
/// </summary>
public sealed class LockTable
{
    private readonly List<(LockRef Lock, int Owner)> _held = new(4);

    /// <summary>Bumped by every acquire, release and CopyFrom; never copied (see <see cref="ChangeEpoch"/>).</summary>
    internal long Epoch { get; private set; }

    public bool IsFree(LockRef l) => l.IsNone || IndexOf(l) < 0;

    public int OwnerOf(LockRef l) { int i = IndexOf(l); return i < 0 ? -1 : _held[i].Owner; }

    public int HeldCount => _held.Count;

    /// <summary>May thread <paramref name="id"/> (on a CPU) run? Not while another thread holds
    /// stop_machine: every other CPU is parked in the stopper with interrupts off.</summary>
    public bool StopperAllows(int id)
    {
        for (int i = 0; i < _held.Count; i++)
            if (_held[i].Lock.Kind == LockKind.StopMachine) return _held[i].Owner == id;
        return true;
    }

    /// <summary>Does a thread other than <paramref name="id"/> hold a spinning lock (see
    /// <see cref="LockRef.Spins"/>)? stop_machine waits for it: its holder cannot be preempted.</summary>
    public bool SpinlockHeldByOther(int id)
    {
        for (int i = 0; i < _held.Count; i++)
            if (_held[i].Lock.Spins && _held[i].Owner != id) return true;
        return false;
    }

    /// <summary>Requires the lock to be free (the scheduler only runs a step whose Needs is free).</summary>
    public bool TryAcquire(LockRef l, int owner)
    {
        if (!IsFree(l)) return false;
        _held.Add((l, owner));
        Epoch++;
        return true;
    }

    /// <summary>Releases a lock held by <paramref name="owner"/>; false (a model bug) otherwise.</summary>
    public bool Release(LockRef l, int owner)
    {
        int i = IndexOf(l);
        if (i < 0 || _held[i].Owner != owner) return false;
        _held.RemoveAt(i);
        Epoch++;
        return true;
    }

    public IEnumerable<(LockRef Lock, int Owner)> Held => _held;

    public void CopyFrom(LockTable o)
    {
        Epoch++;
        _held.Clear();
        for (int i = 0; i < o._held.Count; i++) _held.Add(o._held[i]);
    }

    public void Hash(ref StateHasher h)
    {
        h.Add(_held.Count);
        foreach (var (l, o) in _held.OrderBy(x => (x.Lock.Kind, x.Lock.Index)))
        {
            h.Add((int)l.Kind); h.Add(l.Index); h.Add(o);
        }
    }

    private int IndexOf(LockRef l)
    {
        for (int i = 0; i < _held.Count; i++)
            if (_held[i].Lock == l) return i;
        return -1;
    }
}
