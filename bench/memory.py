"""Peak RSS of each service's process tree, sampled in the background during the run."""

import threading

import psutil


class PeakMemory:
    def __init__(self, processes, interval=0.2):
        self.processes = processes  # name -> Popen
        self.peaks = {}
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _tree_rss(self, pid):
        try:
            root = psutil.Process(pid)
            return sum(p.memory_info().rss for p in [root, *root.children(recursive=True)])
        except psutil.NoSuchProcess:
            return 0

    def _sample(self):
        while not self._stop.wait(self.interval):
            for name, process in list(self.processes.items()):
                self.peaks[name] = max(self.peaks.get(name, 0), self._tree_rss(process.pid))

    def per_process(self):
        """Largest single process (a gunicorn worker) per service, after warm-up: the < 100 MB target."""
        sizes = {}
        for name, process in list(self.processes.items()):
            try:
                root = psutil.Process(process.pid)
                sizes[name] = max(p.memory_info().rss for p in [root, *root.children(recursive=True)])
            except psutil.NoSuchProcess:
                pass
        return sizes

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
