"""File-drop folders shared with another system.

Layout under a root folder: ``in/`` (files to read), ``done/`` and ``error/`` (files read, kept
for audit), ``out/`` (files written for the other side). Files are written under a hidden
temporary name and renamed, so the other side never reads half a file; files others are still
writing (hidden or temporary names, or modified too recently) are not offered for reading.
A file whose name ends in ``.gz`` is gzip-compressed: it is read and inflated piece by piece,
never past the size limit.
"""

import contextlib
import functools
import gzip
import hashlib
import itertools
import os
import secrets
import time
from datetime import datetime, timezone
from pathlib import Path

from . import compression
from .input_limits import InputError

LAYOUT = ("in", "done", "error", "out")
MOVE_TARGETS = ("done", "error")
# Names that common upload tools and editors give files they have not finished writing.
TEMP_SUFFIXES = (".tmp", ".part", ".partial", ".filepart", ".crdownload", "~")
_CHUNK = 1024 * 1024
GZIP_SUFFIX = ".gz"


def ensure_layout(root):
    """Create the ``in/``, ``done/``, ``error/`` and ``out/`` folders; return them by name."""
    folders = {name: Path(root) / name for name in LAYOUT}
    for folder in folders.values():
        folder.mkdir(parents=True, exist_ok=True)
    return folders


def _is_temporary(name):
    return name.startswith(".") or name.lower().endswith(TEMP_SUFFIXES)


def write_atomic(folder, name, data):
    """Write ``data`` to ``folder/name`` so that no reader ever sees a partial file.

    An existing file of that name is replaced: a retry of the same message rewrites its file.
    """
    if not name or Path(name).name != name or _is_temporary(name):
        raise ValueError(f"{name!r} is not a plain, visible file name")
    folder = Path(folder)
    final = folder / name
    temp = folder / f".{name}.{secrets.token_hex(4)}.tmp"
    # os.open rather than mkstemp: mkstemp's 0600 mode would hide the file from the other side.
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, final)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        raise
    _fsync_folder(folder)
    return final


def _fsync_folder(folder):
    """Make the rename durable, where the file system allows it."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # Windows cannot open a folder; the rename is durable there anyway.
    # Some network file systems refuse fsync on a folder.
    with contextlib.suppress(OSError):
        os.fsync(fd)
    os.close(fd)


def ready_files(inbox, *, min_age=0.0):
    """Files of ``inbox`` ready to read, oldest first (then by name).

    Hidden, temporary and subfolder entries are skipped, and so are files modified less than
    ``min_age`` seconds ago, for senders that write in place instead of renaming.
    """
    ready = []
    newest_allowed = time.time() - min_age
    with os.scandir(inbox) as entries:
        for entry in entries:
            if _is_temporary(entry.name):
                continue
            try:
                if not entry.is_file():
                    continue
                mtime = entry.stat().st_mtime
            except FileNotFoundError:
                continue  # Taken by another worker meanwhile.
            if mtime <= newest_allowed:
                ready.append((mtime, entry.name, Path(entry.path)))
    return [path for _mtime, _name, path in sorted(ready)]


def is_compressed(name):
    """Whether a file of this name holds gzip-compressed content."""
    return name.lower().endswith(GZIP_SUFFIX)


def read_content(path, max_bytes):
    """The content of file ``path``, inflated when it is compressed (``is_compressed``).

    InputError when the file, or what it inflates to, is over ``max_bytes`` (read no further
    than that) or is not valid gzip; OSError when it cannot be read.
    """
    path = Path(path)
    with open(path, "rb") as stream:
        if is_compressed(path.name):
            pieces = iter(functools.partial(stream.read, compression.CHUNK), b"")
            return compression.inflate(pieces, compression.GZIP, max_bytes)
        content = stream.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise InputError(f"The file is over {max_bytes} bytes.")
    return content


def open_content(path):
    """A binary stream of the content of ``path``, inflated as it is read when compressed."""
    return gzip.open(path, "rb") if is_compressed(Path(path).name) else open(path, "rb")


def sha256_file(path):
    """SHA-256 hex digest of a file's content (inflated when compressed), read in chunks."""
    digest = hashlib.sha256()
    with open_content(path) as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def move_to(path, subfolder):
    """Move ``path`` (in ``<root>/in/``) into ``<root>/done/`` or ``<root>/error/``.

    The target folder is created if missing. An existing file there is never overwritten: the
    moved file gets a UTC timestamp suffix instead. Returns the new path.
    """
    if subfolder not in MOVE_TARGETS:
        raise ValueError(f"subfolder must be one of {MOVE_TARGETS}, got {subfolder!r}")
    path = Path(path)
    target = path.parent.parent / subfolder
    target.mkdir(parents=True, exist_ok=True)
    for candidate in _candidate_names(path):
        destination = target / candidate
        try:
            # Reserve the name atomically (O_EXCL), then replace the empty placeholder: unlike
            # os.link, this works on every file system, and two movers never pick the same name.
            os.close(os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        break
    try:
        os.replace(path, destination)
    except BaseException:
        destination.unlink()
        raise
    return destination


def _candidate_names(path):
    yield path.name
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    yield f"{path.stem}-{stamp}{path.suffix}"
    for counter in itertools.count(1):
        yield f"{path.stem}-{stamp}-{counter}{path.suffix}"
