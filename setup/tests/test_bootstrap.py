"""The bootstrap's decisions, on real virtual environments, real pip and real archives.

Offline: pip sees only wheels made here (``--no-index``, ``--find-links``), the Odoo source is
a tiny fake tree (``odoo/release.py`` says 18.0), and URLs are served by an HTTP server on
loopback. Run with ``python3 -m unittest discover -s setup/tests`` (``.ci/run`` does).
"""

import contextlib
import http.server
import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import unittest
import zipfile
from pathlib import Path

SETUP = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(SETUP))

import _odoo_source  # noqa: E402
import _pins  # noqa: E402
import bootstrap  # noqa: E402

RELEASE = "version_info = ({major}, 0, 0, 'final', 0, '')\nversion = '{major}.0'\n"


def make_wheel(directory, name, version, tag="py3-none-any"):
    """A minimal wheel of an empty package ``name`` (a module of that name) in ``directory``."""
    dist = f"{name}-{version}.dist-info"
    files = {
        f"{name}.py": f"VERSION = {version!r}\n",
        f"{dist}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
        f"{dist}/WHEEL": (
            f"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: {tag}\n"
        ),
    }
    files[f"{dist}/RECORD"] = "".join(f"{path},,\n" for path in [*files, f"{dist}/RECORD"])
    with zipfile.ZipFile(Path(directory) / f"{name}-{version}-{tag}.whl", "w") as wheel:
        for path, text in files.items():
            wheel.writestr(path, text)


def make_source(directory, requirements, major=18):
    """A fake Odoo source tree: odoo/__init__.py, odoo/release.py and requirements.txt."""
    root = Path(directory)
    (root / "odoo").mkdir(parents=True)
    (root / "odoo" / "__init__.py").write_text("from . import release\n")
    (root / "odoo" / "release.py").write_text(RELEASE.format(major=major))
    (root / "requirements.txt").write_text("\n".join(requirements) + "\n")
    return root


class OfflinePip:
    """Points pip at the local wheels only, for the time of a test class."""

    def __init__(self, wheels):
        self.values = {
            "PIP_CONFIG_FILE": os.devnull,
            "PIP_NO_INDEX": "1",
            "PIP_FIND_LINKS": str(wheels),
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        }
        self.saved = {}

    def __enter__(self):
        for key, value in self.values.items():
            self.saved[key] = os.environ.get(key)
            os.environ[key] = value

    def __exit__(self, *_exc):
        for key, value in self.saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


class BootstrapCase(unittest.TestCase):
    """A temporary folder with local wheels, a suite requirements file and a shipped pin list."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = Path(tempfile.mkdtemp(prefix="mi-bootstrap-"))
        cls.wheels = cls.tmp / "wheels"
        cls.wheels.mkdir()
        make_wheel(cls.wheels, "fakedep", "0.9", tag="py2-none-any")  # no build for Python 3
        make_wheel(cls.wheels, "fakedep", "1.0")
        make_wheel(cls.wheels, "snapshotonly", "2.0")
        make_wheel(cls.wheels, "suitedep", "1.0")
        cls.suite_requirements = cls.tmp / "suite-requirements.txt"
        cls.suite_requirements.write_text("suitedep>=1.0\n")
        cls.shipped = cls.tmp / "shipped-pins.txt"
        cls.shipped.write_text("fakedep==0.9\n")
        cls.pip = OfflinePip(cls.wheels)
        cls.pip.__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.pip.__exit__()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def build(cls, venv, source):
        """Build (or reuse) ``venv`` from ``source``; return (marker, printed text)."""
        out = io.StringIO()
        marker = bootstrap.build_or_reuse(
            venv,
            str(source),
            out=out,
            suite_requirements=cls.suite_requirements,
            shipped_pins=cls.shipped,
            logs=cls.tmp / "logs",
            downloads=cls.tmp / "downloads",
        )
        return marker, out.getvalue()

    def run_in(self, venv, code):
        python = bootstrap.venv_python(venv)
        result = subprocess.run([python, "-c", code], capture_output=True, text=True, check=True)
        return result.stdout.strip()


class TestBuildAndRerun(BootstrapCase):
    """A folder source: pin fallback, the marker, a second run, re-execution under .venv."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.source = make_source(cls.tmp / "odoo-src", ["fakedep==0.9"])
        cls.venv = cls.tmp / "venv"
        started = time.monotonic()
        cls.marker, cls.output = cls.build(cls.venv, cls.source)
        cls.first_seconds = time.monotonic() - started

    def test_pin_without_build_falls_back_to_newest_and_says_so(self):
        self.assertEqual(self.run_in(self.venv, "import fakedep; print(fakedep.VERSION)"), "1.0")
        self.assertIn("fakedep==0.9 has no build that installs on Python", self.output)
        self.assertIn("falling back to its newest release", self.output)
        self.assertEqual(len(self.marker["fallbacks"]), 1)

    def test_folder_source_is_used_in_place_and_suite_requirements_installed(self):
        location = self.run_in(self.venv, "import odoo; print(odoo.__file__)")
        self.assertEqual(Path(location).parent.parent, self.source.resolve())
        self.assertFalse((self.venv / "odoo-src").exists(), "a folder source is not copied")
        self.assertEqual(self.run_in(self.venv, "import suitedep; print(suitedep.VERSION)"), "1.0")
        self.assertEqual(self.marker["pins"], "the source's own pins")

    def test_each_step_is_announced(self):
        for step in range(1, bootstrap.STEPS + 1):
            self.assertIn(f"[setup {step}/{bootstrap.STEPS}]", self.output)
        self.assertTrue((self.venv / bootstrap.MARKER).is_file())

    def test_second_run_finds_the_marker_and_installs_nothing(self):
        started = time.monotonic()
        marker, output = self.build(self.venv, self.source)
        self.assertLess(time.monotonic() - started, 2)
        self.assertEqual(marker["built_at"], self.marker["built_at"])
        self.assertIn("Using the environment", output)
        self.assertNotIn("[setup", output)

    def test_ensure_reexecutes_under_the_environment(self):
        script = self.tmp / "command.py"
        script.write_text(
            f"import sys\nsys.path.insert(0, {str(SETUP)!r})\nimport bootstrap\n"
            f"from pathlib import Path\nbootstrap.VENV = Path({str(self.venv)!r})\n"
            "bootstrap.ensure()\nimport odoo\nprint('RAN UNDER', sys.prefix, sys.argv[1:])\n"
        )
        # -S: no site-packages, so the running Python cannot import any Odoo.
        result = subprocess.run(
            [sys.executable, "-S", script, "--flag"], capture_output=True, text=True, check=False
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn(f"RAN UNDER {self.venv.resolve()} ['--flag']", result.stdout)


class TestFailures(BootstrapCase):
    """A failing step names itself, its command and what to do, and leaves no marker."""

    def test_failed_requirement_leaves_no_marker_then_rebuilds_from_scratch(self):
        broken = make_source(self.tmp / "broken", ["nosuchdep==1.0"])
        venv = self.tmp / "venv-broken"
        with self.assertRaises(bootstrap.BootstrapError) as caught:
            self.build(venv, broken)
        message = str(caught.exception)
        self.assertIn("step 4/5", message)
        self.assertIn("Command: ", message)
        self.assertIn("-m pip install -r", message)
        self.assertIn("What to do: ", message)
        self.assertIsNone(bootstrap.read_marker(venv))
        # Rebuilt from an unpinned snapshot: the shipped pins apply, the extra name is kept.
        snapshot = make_source(self.tmp / "snapshot", ["fakedep", "snapshotonly"])
        marker, output = self.build(venv, snapshot)
        self.assertIn("incomplete environment from an earlier run is there", output)
        self.assertEqual(marker["requirements"], ["fakedep", "snapshotonly"])
        self.assertIn("shipped-pins.txt", marker["pins"])
        self.assertIn("fakedep==0.9 has no build", output)
        self.assertIsNotNone(bootstrap.read_marker(venv))

    def test_other_odoo_version_is_refused_at_step_3(self):
        old = make_source(self.tmp / "odoo17", ["fakedep==1.0"], major=17)
        with self.assertRaises(bootstrap.BootstrapError) as caught:
            self.build(self.tmp / "venv-17", old)
        self.assertEqual(caught.exception.step, 3)
        self.assertIn("not 18.0", str(caught.exception))
        self.assertIsNone(bootstrap.read_marker(self.tmp / "venv-17"))


@contextlib.contextmanager
def serving(directory):
    """An HTTP server on loopback serving ``directory``; yields its base URL."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(directory), **kwargs)

        def log_message(self, *_args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class TestSourceKinds(unittest.TestCase):
    """Folder, .tar.gz, .zip and URL sources all end at the folder holding odoo/."""

    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="mi-sources-"))
        self.addCleanup(shutil.rmtree, self.tmp, True)
        make_source(self.tmp / "tree" / "odoo-18.0.post1", ["fakedep==1.0"])
        self.archives = self.tmp / "archives"
        self.archives.mkdir()
        with tarfile.open(self.archives / "odoo_18.0.latest.tar.gz", "w:gz") as archive:
            archive.add(self.tmp / "tree" / "odoo-18.0.post1", arcname="odoo-18.0.post1")
        shutil.make_archive(str(self.archives / "odoo-18.0"), "zip", self.tmp / "tree")

    def locate(self, source):
        return _odoo_source.locate(
            source, self.tmp / "unpacked", self.tmp / "cache", out=io.StringIO()
        )

    def test_kinds(self):
        self.assertEqual(_odoo_source.kind(str(self.tmp / "tree")), "directory")
        self.assertEqual(_odoo_source.kind(str(self.archives / "odoo-18.0.zip")), "archive")
        self.assertEqual(_odoo_source.kind("https://example.com/odoo.tar.gz"), "url")
        with self.assertRaises(_odoo_source.SourceError):
            _odoo_source.kind(str(self.tmp / "nothing-here"))

    def test_folder_one_level_above_the_source_is_found(self):
        self.assertEqual(self.locate(str(self.tmp / "tree")).name, "odoo-18.0.post1")

    def test_tar_gz_and_zip_are_unpacked(self):
        for name in ("odoo_18.0.latest.tar.gz", "odoo-18.0.zip"):
            root = self.locate(str(self.archives / name))
            self.assertTrue((root / "odoo" / "release.py").is_file(), name)
            self.assertTrue(root.is_relative_to(self.tmp / "unpacked"), name)

    def test_url_is_downloaded_once_with_its_size(self):
        with serving(self.archives) as base:
            out = io.StringIO()
            url = f"{base}/odoo_18.0.latest.tar.gz"
            root = _odoo_source.locate(url, self.tmp / "u", self.tmp / "cache", out=out)
            self.assertTrue((root / "odoo" / "__init__.py").is_file())
            size = (self.archives / "odoo_18.0.latest.tar.gz").stat().st_size
            self.assertIn(f"downloading {url} ({size} bytes)", out.getvalue())
            again = io.StringIO()
            _odoo_source.locate(url, self.tmp / "u", self.tmp / "cache", out=again)
            self.assertIn("already downloaded", again.getvalue())
        self.assertEqual(
            sorted(p.name for p in (self.tmp / "cache").iterdir()), ["odoo_18.0.latest.tar.gz"]
        )

    def test_missing_url_leaves_no_partial_file(self):
        with serving(self.archives) as base:
            with self.assertRaises(_odoo_source.SourceError):
                self.locate(f"{base}/missing.tar.gz")
        self.assertEqual(list((self.tmp / "cache").glob("*")), [])

    def test_folder_without_odoo_is_refused(self):
        (self.tmp / "empty").mkdir()
        with self.assertRaises(_odoo_source.SourceError) as caught:
            self.locate(str(self.tmp / "empty"))
        self.assertIn("holds no Odoo source", str(caught.exception))


class TestPinDecisions(unittest.TestCase):
    """Which list is installed, and which requirement pip's output blames."""

    def requirements(self, *lines):
        return {
            _pins.canonical(_pins.Requirement(line).name): _pins.Requirement(line) for line in lines
        }

    def test_pinned_source_is_used_as_it_is(self):
        chosen, origin = _pins.choose(self.requirements("Werkzeug==2.2.2", "lxml==4.9.3"))
        self.assertEqual(_pins.requirement_lines(chosen), ["lxml==4.9.3", "Werkzeug==2.2.2"])
        self.assertEqual(origin, "the source's own pins")

    def test_unpinned_snapshot_on_311_gets_odoo_pins_plus_its_extras(self):
        chosen, _origin = _pins.choose(self.requirements("Werkzeug", "ebaysdk"), python=(3, 11))
        self.assertEqual(str(chosen["werkzeug"]), "Werkzeug==2.2.2")
        self.assertEqual(str(chosen["ebaysdk"]), "ebaysdk")
        self.assertIn("cbor2", chosen)

    def test_unpinned_snapshot_on_another_python_gets_newest(self):
        chosen, origin = _pins.choose(self.requirements("Werkzeug"), python=(3, 12))
        self.assertEqual(_pins.requirement_lines(chosen), ["Werkzeug"])
        self.assertIn("the newest releases", origin)

    def test_markers_are_evaluated_for_this_python(self):
        path = Path(tempfile.mkdtemp()) / "requirements.txt"
        self.addCleanup(shutil.rmtree, path.parent)
        path.write_text('a==1 ; python_version < "3"\nb==2 ; python_version >= "3"  # yes\n')
        self.assertEqual(list(_pins.read_requirements(path)), ["b"])

    def test_failing_requirement_is_read_from_pip_output(self):
        names = ["cbor2", "python-ldap", "psycopg2"]
        cases = {
            "ERROR: No matching distribution found for psycopg2==2.9.5": "psycopg2",
            "Building wheel for python-ldap\nERROR: Failed building wheel for python-ldap": (
                "python-ldap"
            ),
            "Collecting psycopg2==2.9.5\nCollecting cbor2==5.4.2\n  error: "
            "subprocess-exited-with-error": "cbor2",
            "Collecting zope.event\nERROR: No matching distribution found for zope.event": None,
        }
        for output, expected in cases.items():
            self.assertEqual(_pins.failing_requirement(output, names), expected, output)

    def test_optional_package_is_left_out_once_unpinned(self):
        wanted = self.requirements("python-ldap==3.4.3", "lxml==4.9.3")
        self.assertIn("falling back", _pins.relax(wanted, "python-ldap", "python"))
        self.assertIn("left out", _pins.relax(wanted, "python-ldap", "python"))
        self.assertNotIn("python-ldap", wanted)
        wanted["lxml"] = _pins.Requirement("lxml")
        self.assertIsNone(_pins.relax(wanted, "lxml", "python"), "a required package stops")


if __name__ == "__main__":
    unittest.main()
