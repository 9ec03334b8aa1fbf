using System.Runtime.InteropServices;

namespace IrqVerify.Fuzz.Harness;

/// <summary>The few libc calls the forkserver protocol needs (raw fds 198/199, SysV shared memory).</summary>
internal static unsafe partial class Native
{
    [LibraryImport("libc", SetLastError = true)]
    public static partial nint shmat(int shmid, nint addr, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint read(int fd, byte* buf, nint count);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint write(int fd, byte* buf, nint count);

    [LibraryImport("libc", SetLastError = true)]
    public static partial long lseek(int fd, long offset, int whence);

    [LibraryImport("libc")]
    public static partial int getpid();

    [LibraryImport("libc")]
    public static partial void abort();

    public static bool ReadWord(int fd, out uint value)
    {
        uint v = 0;
        int got = 0;
        while (got < 4)
        {
            nint n = read(fd, (byte*)&v + got, 4 - got);
            if (n <= 0) { value = 0; return false; }
            got += (int)n;
        }
        value = v;
        return true;
    }

    public static bool WriteWord(int fd, uint value) => write(fd, (byte*)&value, 4) == 4;

    /// <summary>Reads fd from offset 0 to EOF (AFL rewrites and truncates .cur_input before each run).</summary>
    public static int ReadAllFromStart(int fd, ref byte[] buf)
    {
        lseek(fd, 0, 0);
        int len = 0;
        while (true)
        {
            if (len == buf.Length) Array.Resize(ref buf, buf.Length * 2);
            nint n;
            fixed (byte* p = &buf[len]) n = read(fd, p, buf.Length - len);
            if (n <= 0) return len;
            len += (int)n;
        }
    }
}
