"""Result objects handed between notebooks, signed so that no planted file can run code.

The notebooks of a case hand their results on through ``data/processed/<case>/``: tables as
parquet (data only), and the full result objects (``cleaning``, ``reliability``, ``effects``,
``value``) as pickles, because the report plots from them and needs every design-specific field.
Unpickling runs code named in the file, so a pickle planted in ``data/processed/`` (copied from
elsewhere, received in a zip, written by another user of a shared folder) would run that code
when the next notebook or the portfolio loads it.

Choice: **HMAC-signed pickles**, not a code-free serialisation. Serialising every result type
(nine designs with their own result subclasses, nested diagnostics, tables and arrays; the value
outputs with simulations and sensitivity tables) to JSON + parquet and rebuilding each dataclass
would be a second copy of every result schema to keep in step; signing is a few lines and covers
every type. Each artefact carries an HMAC-SHA256 of the case slug, the artefact name and the
pickle bytes, under a per-project secret key ``data/processed/.fou-key`` (32 random bytes,
created mode 0600 on first save, never committed). :func:`load` checks the signature *before*
unpickling and refuses an unsigned file, a bad signature, or an artefact signed for another case
or under another name, with a :class:`~fou_analysis.DataError`: "artefact was not written by this
project; re-run `fou run CASE`". Nothing in the file is deserialised before that check.

``data/processed/`` is the run's private workspace: created (and kept) mode 0700, like each
``data/processed/<case>/``. The signature protects against files planted or copied in; it does
not protect against someone who can read the key file (that person can already run code as you).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import secrets
from pathlib import Path
from typing import Any

from fou_analysis.config import Project, check_slug
from fou_analysis.exceptions import DataError

__all__ = ["KEY_FILE", "MAGIC", "load", "project_key", "save", "workspace"]

#: First line of every signed artefact.
MAGIC = b"fou-artefact hmac-sha256 v1\n"
#: The per-project signing key, in ``data/processed/``.
KEY_FILE = ".fou-key"
KEY_BYTES = 32
_DIGEST_HEX = 64


def processed_root(project: Project) -> Path:
    return project.root / "data" / "processed"


def _private(path: Path) -> None:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        os.chmod(path, 0o700)
    except PermissionError:  # a folder we do not own: leave it, the key file is still 0600
        pass


def workspace(project: Project, slug: str) -> Path:
    """``data/processed/<slug>/``, created mode 0700 (and ``data/processed/`` too)."""
    folder = project.processed_dir(check_slug(slug))
    _private(processed_root(project))
    _private(folder)
    return folder


def project_key(project: Project, *, create: bool) -> bytes | None:
    """The project's signing key; with ``create``, make it (0600) if there is none yet.

    Returns ``None`` when there is no key and ``create`` is false.
    """
    path = processed_root(project) / KEY_FILE
    try:
        key = path.read_bytes()
    except FileNotFoundError:
        if not create:
            return None
        _private(path.parent)
        tmp = path.with_name(f".{KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(secrets.token_bytes(KEY_BYTES))
                fh.flush()
                os.fsync(fh.fileno())
            try:
                os.link(tmp, path)  # atomic, and never replaces a key another run just made
            except FileExistsError:
                pass
        finally:
            tmp.unlink(missing_ok=True)
        key = path.read_bytes()
    if len(key) != KEY_BYTES:
        raise DataError(
            f"the signing key is damaged ({len(key)} bytes, not {KEY_BYTES}); delete data/processed/ "
            "and re-run `fou run`",
            file=path,
        )
    return key


def _mac(key: bytes, slug: str, name: str, payload: bytes) -> bytes:
    h = hmac.new(key, digestmod=hashlib.sha256)
    h.update(f"{slug}\0{name}\0".encode())
    h.update(payload)
    return h.hexdigest().encode("ascii")


def save(project: Project, slug: str, name: str, obj: Any) -> Path:
    """Pickle ``obj`` as ``data/processed/<slug>/<name>.pkl``, signed, written atomically."""
    from fou_analysis import io

    check_slug(name)
    path = workspace(project, slug) / f"{name}.pkl"
    key = project_key(project, create=True)
    assert key is not None
    payload = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    io.atomic_write_bytes(path, MAGIC + _mac(key, slug, name, payload) + b"\n" + payload)
    return path


def load(project: Project, slug: str, name: str) -> Any:
    """Load an artefact written by :func:`save`, after checking its signature.

    Raises
    ------
    FileNotFoundError
        There is no such artefact.
    DataError
        The file is not signed by this project's key for this case and name; nothing in it was
        deserialised.
    """
    check_slug(name)
    path = project.processed_dir(slug) / f"{name}.pkl"
    blob = path.read_bytes()
    refused = DataError(f"artefact was not written by this project; re-run `fou run {slug}`", file=path)
    key = project_key(project, create=False)
    head = len(MAGIC)
    if (
        key is None
        or not blob.startswith(MAGIC)
        or blob[head + _DIGEST_HEX : head + _DIGEST_HEX + 1] != b"\n"
    ):
        raise refused
    mac = blob[head : head + _DIGEST_HEX]
    payload = blob[head + _DIGEST_HEX + 1 :]
    if not hmac.compare_digest(mac, _mac(key, slug, name, payload)):
        raise refused
    return pickle.loads(payload)  # noqa: S301 - signature checked above: written by save()
