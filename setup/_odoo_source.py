"""Where Odoo 18.0's source comes from: a local directory, a source archive, or a URL.

Plain logic of ``bootstrap.py``. A directory is used where it is (nothing is copied); an archive
(.tar.gz, .tgz, .tar or .zip, found by its content) is unpacked into the environment; a URL is
downloaded first, with its size and progress on the terminal, into a cache kept between runs
(a partial download is never taken for a whole one).
"""

import shutil
import sys
import tarfile
import time
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

# Odoo's official 18.0 community source: the nightly build's source archive.
OFFICIAL_SOURCE = "https://nightly.odoo.com/18.0/nightly/src/odoo_18.0.latest.tar.gz"


class SourceError(Exception):
    """The source cannot be used; the message says why."""


def kind(source):
    """``"url"``, ``"directory"`` or ``"archive"`` for the text of ODOO_SOURCE."""
    if urllib.parse.urlsplit(source).scheme in ("http", "https", "file"):
        return "url"
    path = Path(source).expanduser()
    if path.is_dir():
        return "directory"
    if path.is_file():
        return "archive"
    raise SourceError(f"{source} is neither a directory, nor a file, nor an http(s) URL")


def find_root(directory):
    """The folder at or up to two levels below ``directory`` that holds odoo/ and
    requirements.txt (archives wrap the source in a folder named after the release)."""
    directory = Path(directory)
    candidates = [directory, *sorted(directory.glob("*")), *sorted(directory.glob("*/*"))]
    for candidate in candidates:
        if (candidate / "odoo" / "__init__.py").is_file() and (
            candidate / "requirements.txt"
        ).is_file():
            return candidate.resolve()
    raise SourceError(
        f"{directory} holds no Odoo source: expected a folder with odoo/__init__.py and "
        "requirements.txt"
    )


def _size(count):
    for unit in ("bytes", "kB", "MB", "GB"):
        if count < 1000 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1000
    return None  # unreachable: the loop returns at GB


def download(url, cache_dir, out=sys.stdout):
    """Download ``url`` into ``cache_dir`` once; return the file. Prints size and progress."""
    name = Path(urllib.parse.urlsplit(url).path).name or "odoo-source"
    target = Path(cache_dir) / name
    if target.is_file():
        print(f"  already downloaded: {target} ({_size(target.stat().st_size)})", file=out)
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=60) as response, partial.open("wb") as file:
            total = int(response.headers.get("Content-Length") or 0)
            print(f"  downloading {url} ({_size(total) if total else 'size unknown'})", file=out)
            received, shown = 0, 0
            while chunk := response.read(1 << 20):
                file.write(chunk)
                received += len(chunk)
                if total and received * 10 // total > shown:
                    shown = received * 10 // total
                    print(f"  {shown * 10:3d}% of {_size(total)}", file=out, flush=True)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise SourceError(f"could not download {url}: {error}") from error
    partial.rename(target)
    seconds = time.monotonic() - started
    print(f"  downloaded {_size(received)} in {seconds:.0f} s into {target}", file=out)
    return target


def unpack(archive, destination, out=sys.stdout):
    """Unpack a .tar(.gz) or .zip ``archive`` into ``destination``; return the source root."""
    archive = Path(archive)
    print(f"  unpacking {archive} ({_size(archive.stat().st_size)}) into {destination}", file=out)
    if destination.exists():
        shutil.rmtree(destination)
    destination.mkdir(parents=True)
    try:
        if zipfile.is_zipfile(archive):
            with zipfile.ZipFile(archive) as source:
                source.extractall(destination)
        elif tarfile.is_tarfile(archive):
            with tarfile.open(archive) as source:
                # The "data" filter refuses members that would land outside destination.
                safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
                source.extractall(destination, **safe)
        else:
            raise SourceError(f"{archive} is neither a tar nor a zip archive")
    except (OSError, tarfile.TarError, zipfile.BadZipFile) as error:
        raise SourceError(f"could not unpack {archive}: {error}") from error
    return find_root(destination)


def locate(source, unpack_dir, cache_dir, out=sys.stdout):
    """The root folder of Odoo's source named by ``source`` (ODOO_SOURCE, or the official one),
    fetched and unpacked as needed."""
    source = source or OFFICIAL_SOURCE
    source_kind = kind(source)
    if source_kind == "directory":
        root = find_root(Path(source).expanduser())
        print(f"  using the source folder {root} where it is (nothing copied)", file=out)
        return root
    archive = Path(source).expanduser()
    if source_kind == "url":
        archive = download(source, cache_dir, out=out)
    return unpack(archive, Path(unpack_dir), out=out)
