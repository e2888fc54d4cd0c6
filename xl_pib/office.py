"""A headless LibreOffice kept running for many PDFs: one per ``xl-pib batch --pdf`` worker
(and one for the single PDF of ``xl-pib build --pdf``, which it also prints faster).

Starting LibreOffice costs about 1 s of CPU and a new profile about 0.25 s
more (its first-start graphics tests), against about 1.8 s to load and print
one bulletin. A worker therefore starts one LibreOffice, with its own
profile, listening on a named pipe, and prints every bulletin through it with
LibreOffice's own Python-UNO bindings (Debian's ``python3-uno``): load the
workbook hidden, store it with the Calc PDF export filter, close it.

- **Death**: if LibreOffice dies (a crash, the out-of-memory killer, a kill),
  the conversion under way fails, a new LibreOffice is started and the
  bulletin is tried again (up to ``ATTEMPTS`` times in all); only then is it reported.
- **Hang**: a conversion that takes longer than ``timeout`` seconds is ended
  by killing LibreOffice, reported as failed, and the next bulletin gets a new
  LibreOffice.
- **Shutdown**: :meth:`Office.close` asks LibreOffice to quit, waits, then
  kills its process group and removes the profile. Batch workers call it when
  they exit (normally, on Ctrl-C and on SIGTERM). ``soffice.bin`` is started
  directly (not through the ``soffice`` script and its ``oosplash``
  launcher) with the kernel told to kill it if the worker itself dies, so
  even a SIGKILLed worker leaves no LibreOffice behind.

The bindings are LibreOffice's (``pyuno`` links one ``libpython``), so they
load only into a Python of the same minor version; :func:`available` says
whether they do here, and ``xl-pib batch --pdf`` and ``build --pdf`` fall back
to one LibreOffice start per bulletin (:func:`xl_pib.pdf.export_pdf`) when
they do not, or when ``XL_PIB_PDF_LISTENER=0``.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from .errors import PibError, UsageError
from .pdf import TIMEOUT, PdfError, profile_dir, soffice

# LibreOffice exits with this on the first start of a new profile, asking to be started again.
_RESTART = 81
# Where Linux distributions put uno.py when LibreOffice's program folder does not hold it (Debian's python3-uno).
_UNO_PY = [Path("/usr/lib/python3/dist-packages/uno.py")]
_PR_SET_PDEATHSIG = 1
STARTUP_SECONDS = 60.0
# Tries per bulletin when LibreOffice dies under it (each with a new LibreOffice).
ATTEMPTS = 3

_loaded = None  # the uno module once loaded, False once known unavailable


def program_dir() -> Path:
    """LibreOffice's program folder (soffice.bin, pyuno.so), from the soffice on the PATH."""
    return Path(os.path.realpath(soffice())).parent


def _uno():
    """LibreOffice's ``uno`` module, loaded into this interpreter, or None where it cannot be."""
    global _loaded
    if _loaded is None:
        _loaded = _load_uno() or False
    return _loaded or None


def _load_uno():
    if os.environ.get("XL_PIB_PDF_LISTENER", "1") == "0":  # one LibreOffice start per bulletin, on purpose
        return None
    try:
        program = program_dir()
    except PibError:
        return None
    binding = program / "libpyuno.so"
    wanted = f"libpython{sys.version_info[0]}.{sys.version_info[1]}".encode()
    # pyuno links one libpython; loading it into another Python version would crash this process.
    if not (program / "pyuno.so").exists() or not binding.exists() or wanted not in binding.read_bytes():
        return None
    candidates = [program / "uno.py", *_UNO_PY]
    source = next((p for p in candidates if p.exists()), None)
    if source is None:
        return None
    os.environ.setdefault("URE_BOOTSTRAP", f"vnd.sun.star.pathname:{program / 'fundamentalrc'}")
    if str(program) not in sys.path:
        sys.path.append(str(program))  # where pyuno.so is
    import builtins

    original = builtins.__import__
    try:
        if "uno" in sys.modules:
            return sys.modules["uno"]
        spec = importlib.util.spec_from_file_location("uno", source)
        module = importlib.util.module_from_spec(spec)
        sys.modules["uno"] = module
        spec.loader.exec_module(module)
        return module
    except Exception:  # noqa: BLE001 - any failure means: convert the simple way
        sys.modules.pop("uno", None)
        return None
    finally:
        # uno.py replaces Python's __import__ with a hook (for "from com.sun.star... import") that breaks
        # ordinary relative imports made later in this process (tqdm's, for one); UNO types are reached
        # with uno.getClass and uno.createUnoStruct instead.
        builtins.__import__ = original


def available() -> bool:
    """True when LibreOffice and its Python-UNO bindings work in this interpreter."""
    return _uno() is not None


def settings() -> dict:
    """Office() arguments from the environment: XL_PIB_PDF_TIMEOUT, the seconds one PDF may take
    (default :data:`xl_pib.pdf.TIMEOUT`)."""
    given = os.environ.get("XL_PIB_PDF_TIMEOUT", "").strip()
    if not given:
        return {}
    try:
        seconds = float(given)
    except ValueError:
        seconds = -1.0
    if not seconds > 0:
        raise UsageError(f"XL_PIB_PDF_TIMEOUT: expected a number of seconds above 0; got {given!r}")
    return {"timeout": seconds}


def _die_with_parent() -> None:
    """In the child before exec: the kernel kills it if the process that started it dies."""
    import ctypes

    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


class Office:
    """One LibreOffice, started on first use, printing workbooks to PDF until :meth:`close`."""

    def __init__(self, timeout: float = TIMEOUT):
        self.timeout = timeout
        self.starts = 0  # how many LibreOffice processes this Office has started (restarts included)
        self._process: subprocess.Popen | None = None
        self._desktop = None
        self._work: Path | None = None

    # --- lifecycle -----------------------------------------------------------------------------

    def _start(self) -> None:
        uno = _uno()
        if uno is None:
            raise PdfError("LibreOffice's Python-UNO bindings are not available "
                           "(apt-get install python3-uno)")
        NoConnectException = uno.getClass("com.sun.star.connection.NoConnectException")  # noqa: N806

        if self._work is None:
            self._work = Path(tempfile.mkdtemp(prefix="xl-pib-office-"))
        # A new profile for each start: one a killed LibreOffice left behind may be half-written.
        for old in self._work.glob("profile-*"):
            shutil.rmtree(old, ignore_errors=True)
        profile = profile_dir(self._work / f"profile-{self.starts}")
        pipe = f"xl-pib-{os.getpid()}-{self.starts}-{self._work.name}"
        command = [str(program_dir() / "soffice.bin"), f"-env:UserInstallation={profile.as_uri()}", "--headless",
                   "--invisible", "--norestore", "--nologo", "--nodefault", "--nolockcheck"]
        # A new profile's first start sets it up and exits asking to be started again (_RESTART), and it may
        # accept a connection before it does. Set the profile up first (under 0.1 s), then start to listen.
        subprocess.run([*command, "--terminate_after_init"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=STARTUP_SECONDS, start_new_session=True,
                       preexec_fn=_die_with_parent)
        command.append(f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext")
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        deadline = time.monotonic() + STARTUP_SECONDS
        for _ in range(2):  # should it still ask to be started again, it is, once
            self._process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                             stderr=subprocess.DEVNULL, start_new_session=True,
                                             preexec_fn=_die_with_parent)
            self.starts += 1
            while time.monotonic() < deadline:
                try:
                    context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                    self._desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop",
                                                                                     context)
                    return
                except NoConnectException:
                    if self._process.poll() is not None:
                        break
                    time.sleep(0.05)
            if self._process.poll() != _RESTART:
                break
        self._kill()
        raise PdfError("LibreOffice did not start (soffice.bin with a new profile)")

    def alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def pid(self) -> int | None:
        return self._process.pid if self.alive() else None

    def _kill(self) -> None:
        process, self._process, self._desktop = self._process, None, None
        if process is None:
            return
        if process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        process.wait()

    def close(self) -> None:
        """Ask LibreOffice to quit, kill it if it has not within 10 s, and remove its profile."""
        if self.alive() and self._desktop is not None:
            try:
                self._desktop.terminate()
            except Exception:  # noqa: BLE001 - it may already be going; the kill below makes sure
                pass
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                pass
        self._kill()
        if self._work is not None:
            shutil.rmtree(self._work, ignore_errors=True)
            self._work = None

    def __enter__(self) -> Office:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    # --- converting ----------------------------------------------------------------------------

    def export_pdf(self, source: Path, target: Path) -> Path:
        """Print the workbook ``source`` (its visible sheets) to the PDF file ``target``.

        A LibreOffice that died is replaced and the bulletin tried once more;
        a workbook LibreOffice cannot load or print raises :class:`xl_pib.pdf.PdfError`.
        """
        for attempt in range(1, ATTEMPTS + 1):
            if not self.alive():
                self._start()
            try:
                self._convert(Path(source), Path(target))
                return Path(target)
            except _TimedOut:
                self._kill()
                raise PdfError(f"LibreOffice took more than {self.timeout:g} s to print {Path(source).name}")
            except PibError:
                raise
            except Exception as error:  # noqa: BLE001 - a dead LibreOffice shows as any UNO exception
                # The bridge can report LibreOffice's death a moment before the process has ended.
                dying = type(error).__name__.endswith("DisposedException")  # pyuno names it in full
                if dying and self._process is not None:
                    try:
                        self._process.wait(5)
                    except subprocess.TimeoutExpired:
                        pass
                if self.alive() or attempt == ATTEMPTS:
                    ended = None if self._process is None else self._process.poll()
                    if not self.alive():
                        self._kill()
                    died = "" if ended is None else f" (LibreOffice ended with status {ended})"
                    raise PdfError(f"LibreOffice could not print {Path(source).name}: "
                                   f"{type(error).__name__} {getattr(error, 'Message', '') or error}".strip()
                                   + died) from None
                self._kill()  # it died under this bulletin: start a new one and try again
        raise AssertionError("unreachable")

    def _convert(self, source: Path, target: Path) -> None:
        uno = _uno()

        def prop(name, value):
            return uno.createUnoStruct("com.sun.star.beans.PropertyValue", Name=name, Value=value)

        fired = threading.Event()
        process = self._process

        def hung():
            fired.set()
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        watchdog = threading.Timer(self.timeout, hung)
        watchdog.daemon = True
        watchdog.start()
        try:
            document = self._desktop.loadComponentFromURL(uno.systemPathToFileUrl(str(source.resolve())), "_blank",
                                                          0, (prop("Hidden", True), prop("ReadOnly", True)))
            if document is None:
                raise PdfError(f"LibreOffice could not load {source.name}")
            try:
                document.storeToURL(uno.systemPathToFileUrl(str(target.resolve())),
                                    (prop("FilterName", "calc_pdf_Export"),))
            finally:
                try:
                    document.close(True)
                except Exception:  # noqa: BLE001 - closing a document of a dying LibreOffice
                    pass
        except Exception:
            if fired.is_set():
                raise _TimedOut() from None
            raise
        finally:
            watchdog.cancel()
        if fired.is_set():
            raise _TimedOut()


class _TimedOut(Exception):
    pass
