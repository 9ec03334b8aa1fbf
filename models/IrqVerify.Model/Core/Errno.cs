namespace IrqVerify.Model.Core;

/// <summary>Kernel error numbers the model returns (as positive values; the kernel returns -errno).</summary>
public enum Errno
{
    Ok = 0,
    ENOENT = 2,
    EIO = 5,
    ENXIO = 6,
    ENOMEM = 12,
    EBUSY = 16,
    EEXIST = 17,
    EINVAL = 22,
    ENOSPC = 28,
    ERANGE = 34,
    ENOSYS = 38,
    ENOTSUPP = 524,
}

public static class ErrnoText
{
    /// <summary>"-ENOSPC" style, or "0".</summary>
    public static string Format(this Errno e) => e == Errno.Ok ? "0" : "-" + e;
}
