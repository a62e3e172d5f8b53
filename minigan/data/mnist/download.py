"""The public mirrors: each file fetched over HTTP(S) with a short timeout and a size limit, then
checked against its published SHA-256; files missing from one mirror are taken from the next."""
from __future__ import annotations

from minigan.data.idx import DataError, decompress_idx
from minigan.data.mnist.catalog import ARRAY_KEYS, DatasetSpec
from minigan.data.mnist.checks import Arrays, check_arrays, decode_idx_files, sha256_hex
from minigan.data.mnist.progress import DownloadProgress, say

__all__ = ["fetch_url", "from_mirrors"]

_CONNECT_TIMEOUT = 3.0  # seconds per socket operation, so an offline machine moves on fast


def fetch_url(url: str, *, expected_size: int, verbose: bool) -> bytes:
    """GET ``url`` into memory with a short timeout; refuse anything far larger than expected."""
    import urllib.request  # noqa: PLC0415 - only a download needs the network stack (~60 ms to import)

    request = urllib.request.Request(url, headers={"User-Agent": "minigan"})
    limit = 2 * expected_size + (1 << 20)
    with urllib.request.urlopen(request, timeout=_CONNECT_TIMEOUT) as response:
        total = int(response.headers.get("Content-Length") or expected_size)
        if total > limit:
            raise DataError(f"{url}: server announces {total} bytes, expected about {expected_size}")
        progress = DownloadProgress(url.rsplit("/", 1)[-1], total, verbose)
        buffer = bytearray()
        while chunk := response.read(1 << 16):
            buffer += chunk
            if len(buffer) > limit:
                raise DataError(f"{url}: more than {limit} bytes, expected about {expected_size}")
            progress.update(len(buffer))
        progress.finish(len(buffer))
    return bytes(buffer)


def _reason(exc: BaseException) -> str:
    import urllib.error  # noqa: PLC0415

    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}"
    if isinstance(exc, urllib.error.URLError):
        return f"cannot connect ({exc.reason})"
    if isinstance(exc, DataError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def from_mirrors(
    spec: DatasetSpec, verbose: bool, failures: list[tuple[str, str]]
) -> tuple[Arrays, str] | None:
    """The arrays from the mirrors in turn (SHA-256 verified) and a line naming those used, or
    None when some file could be had from none of them; each mirror's failure is added to
    ``failures`` as ``(where, why)``."""
    import http.client  # noqa: PLC0415 - only a download needs the network stack

    raw: dict[str, bytes] = {}
    names: dict[str, str] = {}
    used: list[str] = []
    for base in spec.mirrors:
        try:
            for key in ARRAY_KEYS:
                if key in raw:
                    continue
                f = spec.files[key]
                url = f"{base}{f.name}.gz"
                data = fetch_url(url, expected_size=f.gz_size, verbose=verbose)
                digest = sha256_hex(data)
                if digest != f.gz_sha256:
                    raise DataError(f"{url}: SHA-256 mismatch (got {digest}, expected {f.gz_sha256})")
                raw[key], names[key] = decompress_idx(data, url), url
                if base not in used:
                    used.append(base)
        except (OSError, http.client.HTTPException, DataError) as exc:
            # Connection errors are OSErrors (URLError, timeouts); skip the rest of this mirror.
            failures.append((f"mirror {base}", _reason(exc)))
            if verbose:
                say(f"  mirror {base}: {_reason(exc)}")
    if len(raw) < len(ARRAY_KEYS):
        return None
    arrays = check_arrays(decode_idx_files(spec, raw, names), spec, " + ".join(used), exact_sizes=True)
    return arrays, f"mirror {' + '.join(used)} (SHA-256 verified)"
