"""Process lifetimes: helper processes that die with the process they work for, and a liveness
test that a zombie or a recycled pid does not fool."""

from __future__ import annotations

import os
import select
import signal
import sys
import threading
import time

import psutil


def process_alive(pid: int, started_at: float | None = None) -> bool:
    """Whether `pid` is a running process (a zombie has exited: it only waits to be reaped).

    With `started_at` (process_started_at of the process meant), a live process that started at
    another time is a different process that reused the pid: not alive.
    """
    try:
        if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
            return False
    except psutil.NoSuchProcess:
        return False
    except psutil.AccessDenied:  # exists, owned by someone else
        pass
    if started_at is None:
        return True
    now = process_started_at(pid)
    # Unreadable (it just ended, or access is denied): not provably the holder, so not alive.
    return now is not None and abs(now - started_at) < 1e-3


def process_started_at(pid: int) -> float | None:
    """A stamp of when `pid` started, which tells it from a later process given the same pid.

    On Linux the start in clock ticks since boot (/proc/<pid>/stat): unlike a wall-clock start
    time it does not move when the system clock is set. Elsewhere psutil's create time.
    None when the process does not exist.
    """
    if sys.platform.startswith("linux"):
        try:
            with open(f"/proc/{pid}/stat", "rb") as stat:
                return float(stat.read().rsplit(b")", 1)[1].split()[19])  # field 22, starttime
        except (FileNotFoundError, ProcessLookupError):
            return None
        except (OSError, IndexError, ValueError):
            pass
    try:
        return psutil.Process(pid).create_time()
    except psutil.Error:
        return None


def die_with(owner_pid: int, owner_started_at: float | None = None) -> None:
    """Process-pool initializer: end this worker as soon as `owner_pid` (the process that created
    the pool) ends, even by SIGKILL, instead of living on as an orphan.

    The owner is watched directly, not through the parent: in a forkserver pool the worker's
    parent is the fork server, which outlives a killed owner as long as any worker lives (every
    worker holds the pipe whose closing tells the fork server to exit), so a parent-death signal
    never fires. A daemon thread waits on a pidfd of the owner (Linux 5.3+; elsewhere it polls
    once a second) and SIGKILLs the worker when the owner is gone; once the workers are gone the
    fork server and resource tracker exit on their own.
    """
    try:
        handle = os.pidfd_open(owner_pid)
    except ProcessLookupError:
        os._exit(1)
    except (AttributeError, OSError):
        handle = None
    # The owner may have died, and its pid been reused, before the pidfd was opened.
    if not process_alive(owner_pid, owner_started_at):
        os._exit(1)

    def watch() -> None:
        if handle is not None:
            select.select([handle], [], [])  # readable once the owner has exited
        else:
            while process_alive(owner_pid, owner_started_at):
                time.sleep(1)
        os.kill(os.getpid(), signal.SIGKILL)

    threading.Thread(target=watch, name=f"die-with-{owner_pid}", daemon=True).start()


def die_with_parent():
    """A `preexec_fn` for a child that must not outlive this process (Linux): the kernel sends it
    SIGKILL when this process ends, however it ends (Streamlit, for one, does not stop on SIGTERM).
    For direct children only (pool workers use die_with). libc is looked up here, before the fork:
    the function run in the child only makes the system call."""
    import ctypes

    prctl = ctypes.CDLL(None, use_errno=True).prctl
    parent = os.getpid()
    pr_set_pdeathsig = 1

    def arm() -> None:
        if prctl(pr_set_pdeathsig, signal.SIGKILL) != 0 or os.getppid() != parent:
            os._exit(1)  # not armed, or this process already ended before it was

    return arm
