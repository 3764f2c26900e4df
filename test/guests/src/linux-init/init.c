/*
 * dejavm-init: the /init of the Linux guest's initramfs
 * (built by scripts/linux-guest/build.sh).
 *
 * A static riscv64 Linux program with no libc: every system call is made
 * directly with ecall. It prints a banner on the console, mounts /proc and
 * prints /proc/version and /proc/uptime, reads the clocks around a 10 ms
 * nanosleep, asks for its pid and the kernel's uname, then prints
 * "dejavm-init: done" and powers the machine off. Each step prints one line,
 * so a console log shows how far a guest got. A failing call prints
 * "dejavm-init: FAIL <step> <errno>" and the program goes on; the final line
 * then reads "dejavm-init: done (N failures)".
 */

typedef unsigned long size_t;
typedef long ssize_t;

/* riscv64 system call numbers (asm-generic/unistd.h). */
enum {
    SYS_mount = 40,
    SYS_openat = 56,
    SYS_close = 57,
    SYS_read = 63,
    SYS_write = 64,
    SYS_exit = 93,
    SYS_nanosleep = 101,
    SYS_clock_gettime = 113,
    SYS_reboot = 142,
    SYS_uname = 160,
    SYS_getpid = 172,
};

enum { AT_FDCWD = -100, O_RDONLY = 0, STDOUT = 1 };
enum { CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1 };

/* reboot(2) magic numbers and the power-off command (linux/reboot.h). */
#define LINUX_REBOOT_MAGIC1 0xfee1deadUL
#define LINUX_REBOOT_MAGIC2 672274793UL
#define LINUX_REBOOT_CMD_POWER_OFF 0x4321fedcUL

struct timespec {
    long tv_sec;
    long tv_nsec;
};

struct utsname {
    char sysname[65];
    char nodename[65];
    char release[65];
    char version[65];
    char machine[65];
    char domainname[65];
};

static int failures;

static long syscall6(long number, long a0, long a1, long a2, long a3, long a4, long a5)
{
    register long r_a0 __asm__("a0") = a0;
    register long r_a1 __asm__("a1") = a1;
    register long r_a2 __asm__("a2") = a2;
    register long r_a3 __asm__("a3") = a3;
    register long r_a4 __asm__("a4") = a4;
    register long r_a5 __asm__("a5") = a5;
    register long r_a7 __asm__("a7") = number;
    __asm__ volatile("ecall"
                     : "+r"(r_a0)
                     : "r"(r_a1), "r"(r_a2), "r"(r_a3), "r"(r_a4), "r"(r_a5), "r"(r_a7)
                     : "memory");
    return r_a0;
}

static long syscall3(long number, long a0, long a1, long a2)
{
    return syscall6(number, a0, a1, a2, 0, 0, 0);
}

static size_t string_length(const char *text)
{
    size_t length = 0;
    while (text[length] != '\0')
        length++;
    return length;
}

static void write_all(const char *bytes, size_t length)
{
    while (length > 0) {
        long written = syscall3(SYS_write, STDOUT, (long)bytes, (long)length);
        if (written <= 0)
            return;
        bytes += written;
        length -= (size_t)written;
    }
}

static void print(const char *text)
{
    write_all(text, string_length(text));
}

/* Prints value in decimal, zero-padded to at least min_digits digits. */
static void print_unsigned(unsigned long value, int min_digits)
{
    char digits[24];
    int count = 0;
    do {
        digits[sizeof digits - 1 - count++] = (char)('0' + value % 10);
        value /= 10;
    } while (value != 0 || count < min_digits);
    write_all(&digits[sizeof digits - count], (size_t)count);
}

static void print_signed(long value)
{
    if (value < 0) {
        print("-");
        print_unsigned(-(unsigned long)value, 1);
    } else {
        print_unsigned((unsigned long)value, 1);
    }
}

/* Returns 1 when result (a raw system call result: -errno on failure) is a
   success; otherwise counts and reports the failure of step. */
static int check(long result, const char *step)
{
    if (result >= 0)
        return 1;
    failures++;
    print("dejavm-init: FAIL ");
    print(step);
    print(" ");
    print_signed(-result);
    print("\n");
    return 0;
}

/* Prints the contents of a small file, prefixed with label. */
static void print_file(const char *label, const char *path)
{
    char buffer[512];
    long fd = syscall6(SYS_openat, AT_FDCWD, (long)path, O_RDONLY, 0, 0, 0);
    if (!check(fd, path))
        return;
    long length = syscall3(SYS_read, fd, (long)buffer, sizeof buffer - 1);
    if (length >= 0) {
        buffer[length] = '\0';
        print(label);
        print(buffer);
        if (length == 0 || buffer[length - 1] != '\n')
            print("\n");
    } else {
        check(length, path);
    }
    check(syscall3(SYS_close, fd, 0, 0), "close");
}

static long nanoseconds_between(const struct timespec *start, const struct timespec *end)
{
    return (end->tv_sec - start->tv_sec) * 1000000000L + (end->tv_nsec - start->tv_nsec);
}

static void print_seconds(const char *label, const struct timespec *time)
{
    print(label);
    print_signed(time->tv_sec);
    print(".");
    print_unsigned((unsigned long)time->tv_nsec, 9);
    print("\n");
}

static void use_timers(void)
{
    struct timespec realtime, before, after;
    struct timespec nap = { 0, 10 * 1000 * 1000 };
    if (check(syscall3(SYS_clock_gettime, CLOCK_REALTIME, (long)&realtime, 0), "clock_gettime"))
        print_seconds("dejavm-init: realtime ", &realtime);
    if (!check(syscall3(SYS_clock_gettime, CLOCK_MONOTONIC, (long)&before, 0), "clock_gettime"))
        return;
    if (!check(syscall3(SYS_nanosleep, (long)&nap, 0, 0), "nanosleep"))
        return;
    if (!check(syscall3(SYS_clock_gettime, CLOCK_MONOTONIC, (long)&after, 0), "clock_gettime"))
        return;
    long slept = nanoseconds_between(&before, &after);
    print("dejavm-init: slept ");
    print_signed(slept / 1000);
    print(" us for a 10000 us nanosleep\n");
    if (slept < nap.tv_nsec) {
        failures++;
        print("dejavm-init: FAIL nanosleep returned early\n");
    }
}

static void print_identity(void)
{
    struct utsname names;
    long pid = syscall3(SYS_getpid, 0, 0, 0);
    if (check(pid, "getpid")) {
        print("dejavm-init: pid ");
        print_signed(pid);
        print("\n");
    }
    if (check(syscall3(SYS_uname, (long)&names, 0, 0), "uname")) {
        print("dejavm-init: uname ");
        print(names.sysname);
        print(" ");
        print(names.release);
        print(" ");
        print(names.machine);
        print("\n");
    }
}

static void power_off(void)
{
    syscall6(SYS_reboot, (long)LINUX_REBOOT_MAGIC1, (long)LINUX_REBOOT_MAGIC2,
             (long)LINUX_REBOOT_CMD_POWER_OFF, 0, 0, 0);
    print("dejavm-init: FAIL reboot returned\n");
    for (;;)
        syscall3(SYS_exit, 1, 0, 0);
}

/* Called by _start with the kernel's initial stack in place. */
void init_main(void)
{
    print("dejavm-init: hello from the Linux guest's /init\n");
    print_identity();
    check(syscall6(SYS_mount, (long)"proc", (long)"/proc", (long)"proc", 0, 0, 0), "mount /proc");
    print_file("dejavm-init: /proc/version ", "/proc/version");
    use_timers();
    print_file("dejavm-init: /proc/uptime ", "/proc/uptime");
    if (failures == 0) {
        print("dejavm-init: done\n");
    } else {
        print("dejavm-init: done (");
        print_signed(failures);
        print(" failures)\n");
    }
    power_off();
}

/* The kernel enters here with sp at argc; there is no libc to set up. gp is
   set for linker relaxation; the stack is 16-byte aligned already. */
__asm__(".section .text.start, \"ax\", @progbits\n"
        ".globl _start\n"
        "_start:\n"
        ".option push\n"
        ".option norelax\n"
        "    la gp, __global_pointer$\n"
        ".option pop\n"
        "    call init_main\n");
