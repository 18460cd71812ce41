"""CPU time (user + system, from /proc through psutil) of every process a run uses, between start() and stop():
each service's process tree, the PostgreSQL backends of the bench's databases and PostgreSQL's own background
processes, the Redis server, and the load generator (wrk: this process's children that ended meanwhile).

Processes are read every SAMPLE_SECONDS as well as at start and stop: a process that ends meanwhile (a PostgreSQL
backend whose connection a run closed as it exited, above all) counts up to its last reading instead of not at
all, which had left a third of the AutoPay run's CPU uncounted."""

import contextlib
import resource
import threading

import psutil

POSTGRES = "PostgreSQL (bench backends + background)"
REDIS = "Redis server"
LOAD = "load generator (wrk)"


def _cpu(process):
    times = process.cpu_times()
    return times.user + times.system


def _tree(pid):
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def _is_bench_postgres(process):
    """A backend of a bench_ database, or a background process of the server (walwriter, checkpointer, ...)."""
    command = " ".join(process.cmdline())
    if not command.startswith("postgres:"):
        return False
    return "bench_" in command or command.count(":") <= 2 and "127.0.0.1(" not in command and "[local]" not in command


SAMPLE_SECONDS = 0.5


class CpuMeter:
    def __init__(self, processes):
        self.processes = processes  # name -> Popen
        self._start = {}
        self._seen = {}  # (group, pid, create_time) -> the latest cpu seconds read
        self._children_start = 0.0
        self._stopping = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)

    def _snapshot(self):
        found = {}  # (group, pid, create_time) -> cpu seconds
        for name, popen in list(self.processes.items()):
            for process in _tree(popen.pid):
                self._note(found, name.split(".")[0], process)
        for process in psutil.process_iter(["name"]):
            try:
                if process.info["name"] == "postgres" and _is_bench_postgres(process):
                    self._note(found, POSTGRES, process)
                elif process.info["name"] == "redis-server" and ":6379" in " ".join(process.cmdline()):
                    self._note(found, REDIS, process)
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
        return found

    @staticmethod
    def _note(found, group, process):
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            found[(group, process.pid, process.create_time())] = _cpu(process)

    @staticmethod
    def _children():
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    def _sample(self):
        while not self._stopping.wait(SAMPLE_SECONDS):
            self._seen.update(self._snapshot())

    def start(self):
        self._start = self._snapshot()
        self._seen = dict(self._start)
        self._children_start = self._children()
        self._sampler.start()
        return self

    def stop(self):
        """CPU seconds per group spent since start() (a process that began meanwhile counts from zero)."""
        self._stopping.set()
        self._sampler.join()
        end = {**self._seen, **self._snapshot()}
        spent = {}
        for key, seconds in end.items():
            spent[key[0]] = spent.get(key[0], 0.0) + seconds - self._start.get(key, 0.0)
        spent[LOAD] = self._children() - self._children_start
        return spent
