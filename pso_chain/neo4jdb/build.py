"""Build the Java launcher of the local Neo4j once, from Maven Central, into a cache directory.

The launcher in ``launcher/`` (a ``pom.xml`` and one class) embeds Neo4j; its classpath also
holds Neo4j's own admin tool (``org.neo4j.cli.AdminTool``, whose ``database import full`` is the
offline bulk importer). :func:`ensure_launcher_built` copies the sources to a cache directory
keyed by a hash of them and builds there once with Maven (reusing ``~/.m2``);
:func:`java_command` gives the command line that runs a main class on that classpath.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from pso_chain.config import ENV, Settings

MAIN_CLASS = "nl.psochain.neo4jlauncher.Launcher"
ADMIN_CLASS = "org.neo4j.cli.AdminTool"
# Bumped when the layout of a build directory changes (part of the cache key).
_BUILD_FORMAT = "1"
_MANIFEST = "launcher.json"
_ARGFILE = "java.args"
# Flags the Neo4j start script passes to the JVM that matter for an embedded server.
_JVM_FLAGS = (
    "-XX:+ExitOnOutOfMemoryError",
    "-XX:-OmitStackTraceInFastThrow",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Dlog4j2.disable.jmx=true",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
)

Progress = Callable[[str], None]


class Neo4jServerError(RuntimeError):
    """The launcher could not be built, or the server did not start or died."""


def _launcher_files() -> dict[str, bytes]:
    """The launcher sources shipped in the package: relative POSIX path -> content."""
    root = resources.files("pso_chain.neo4jdb").joinpath("launcher")
    found: dict[str, bytes] = {}

    def walk(node: Traversable, prefix: str) -> None:
        for child in node.iterdir():
            rel = f"{prefix}{child.name}"
            if child.is_dir():
                if child.name != "target":
                    walk(child, rel + "/")
            elif rel == "pom.xml" or (rel.startswith("src/") and rel.endswith(".java")):
                found[rel] = child.read_bytes()

    walk(root, "")
    if "pom.xml" not in found or not any(p.endswith(".java") for p in found):
        raise Neo4jServerError(f"the Neo4j launcher sources are missing from the package ({root})")
    return found


def _neo4j_version(pom: bytes) -> str:
    match = re.search(rb"<neo4j\.version>([^<]+)</neo4j\.version>", pom)
    return match.group(1).decode() if match else "unknown"


def _pinned_version() -> str:
    try:
        return _neo4j_version(_launcher_files()["pom.xml"])
    except (Neo4jServerError, OSError):  # reported properly by ensure_launcher_built
        return "unknown"


NEO4J_VERSION: str = _pinned_version()
"""The Neo4j version the launcher's ``pom.xml`` pins."""


def launcher_cache_root(settings: Settings | None = None) -> Path:
    """Where launcher builds live: ``settings.launcher_root`` (``PSO_CHAIN_CACHE_DIR``, else the
    user's cache folder, ``~/.cache/pso-chain`` on Linux, plus ``neo4j-launcher``)."""
    return (settings or Settings()).launcher_root


def _sources_hash(files: dict[str, bytes]) -> str:
    digest = hashlib.sha256(f"format {_BUILD_FORMAT}\n".encode())
    for rel in sorted(files):
        digest.update(rel.encode() + b"\0" + hashlib.sha256(files[rel]).digest())
    return digest.hexdigest()[:16]


@contextlib.contextmanager
def _file_lock(path: Path, progress: Progress | None) -> Iterator[None]:
    """An exclusive inter-process lock on ``path`` (created if needed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as handle:
        if sys.platform == "win32":  # pragma: no cover - Windows
            import msvcrt

            while True:
                try:
                    msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
                    break
                except OSError:
                    continue
            try:
                yield
            finally:
                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if progress:
                    progress("Waiting for another process that is building the Neo4j launcher...")
                fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _read_manifest(build_dir: Path) -> dict | None:
    """The manifest of a complete build whose classpath still exists, else None."""
    try:
        manifest = json.loads((build_dir / _MANIFEST).read_text(encoding="utf-8"))
        classpath = [Path(p) for p in manifest["classpath"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not (build_dir / _ARGFILE).is_file() or not all(p.exists() for p in classpath):
        return None  # e.g. ~/.m2 was cleaned: build again (Maven downloads what is missing)
    return manifest


def _tail(lines: list[str] | str, count: int = 40) -> str:
    """The last ``count`` non-blank lines, for error messages."""
    if isinstance(lines, str):
        lines = lines.splitlines()
    kept = [line.rstrip() for line in lines if line.strip()][-count:]
    return "\n".join(kept) if kept else "(no output)"


def _find_executable(name: str, configured: str | None, hint: str, variable: str,
                     java_home: Path | None = None) -> str:
    """``configured`` (a setting), else ``JAVA_HOME/bin/java`` for java, else the one on PATH."""
    if configured:
        return configured
    if name == "java" and java_home:
        exe = "java.exe" if os.name == "nt" else "java"
        candidate = Path(java_home) / "bin" / exe
        if candidate.exists():
            return str(candidate)
    found = shutil.which(name)
    if not found:
        raise Neo4jServerError(f"`{name}` was not found on PATH ({hint}; or set {variable})")
    return found


def _argfile_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def ensure_launcher_built(progress: Progress | None = None, timeout: float = 1800.0,
                          settings: Settings | None = None) -> Path:
    """Build the Java launcher once (Maven, guarded by a file lock) and return its build dir.

    The build dir holds ``launcher.json`` (Neo4j version, main class, classpath) and
    ``java.args`` (a Java ``@argfile`` with the classpath). A second call is a few file checks.
    """
    files = _launcher_files()
    settings = settings or Settings()
    root = launcher_cache_root(settings)
    build_dir = root / _sources_hash(files)
    if _read_manifest(build_dir) is not None:
        return build_dir
    with _file_lock(root / ".build.lock", progress):
        if _read_manifest(build_dir) is not None:  # built by another process meanwhile
            return build_dir
        mvn = _find_executable("mvn", settings.mvn, "install Maven 3.8+ to build the launcher",
                               ENV["mvn"])
        work = Path(tempfile.mkdtemp(prefix=f".build-{build_dir.name}-", dir=root))
        try:
            for rel, content in files.items():
                target = work / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(content)
            if progress:
                progress(f"Building the Neo4j {NEO4J_VERSION} launcher in {build_dir} "
                         "(the first build downloads Neo4j from Maven Central, about 130 MB)...")
            started = time.monotonic()
            try:
                done = subprocess.run(
                    [mvn, "-q", "-B", "-f", str(work / "pom.xml"), "package"],
                    cwd=work, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                    encoding="utf-8", errors="replace", timeout=timeout, check=False,
                )
            except subprocess.TimeoutExpired as exc:
                raise Neo4jServerError(
                    f"building the Neo4j launcher took longer than {timeout:.0f} s") from exc
            jar = work / "target" / "neo4j-launcher.jar"
            cp_file = work / "target" / "classpath.txt"
            if done.returncode != 0 or not jar.is_file() or not cp_file.is_file():
                raise Neo4jServerError(
                    f"building the Neo4j launcher failed (mvn exit {done.returncode}):\n"
                    + _tail(done.stdout + "\n" + done.stderr))
            final_jar = build_dir / "neo4j-launcher.jar"
            deps = [p for p in cp_file.read_text(encoding="utf-8").strip().split(os.pathsep) if p]
            classpath = [str(final_jar), *deps]
            (work / "neo4j-launcher.jar").write_bytes(jar.read_bytes())
            shutil.rmtree(work / "target", ignore_errors=True)
            (work / _ARGFILE).write_text(
                "-cp\n" + _argfile_quote(os.pathsep.join(classpath)) + "\n", encoding="utf-8")
            manifest = {
                "neo4j_version": NEO4J_VERSION,
                "main_class": MAIN_CLASS,
                "classpath": classpath,
                "build_seconds": round(time.monotonic() - started, 1),
            }
            (work / _MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
            if build_dir.exists():  # an incomplete or stale build
                shutil.rmtree(build_dir)
            os.replace(work, build_dir)
            if progress:
                progress(f"Built the Neo4j launcher in {manifest['build_seconds']} s.")
        finally:
            if work.exists():
                shutil.rmtree(work, ignore_errors=True)
    return build_dir


def java_command(main_class: str, heap: str, progress: Progress | None = None,
                 settings: Settings | None = None) -> tuple[list[str], Path]:
    """``java -Xmx... <flags> @argfile MAIN_CLASS`` on the launcher's classpath (built if
    needed), and the build directory to run it in."""
    settings = settings or Settings()
    build_dir = ensure_launcher_built(progress, settings=settings)
    java = _find_executable("java", settings.java, "install a Java 17+ runtime", ENV["java"],
                            settings.java_home)
    return [java, f"-Xmx{heap}", *_JVM_FLAGS, f"@{build_dir / _ARGFILE}", main_class], build_dir
