"""The prepared rows of a catalogue file, chunk by chunk, in file order.

A large file is read and prepared by reader processes while this one writes (preparing a
row costs about as much as storing it). Chunks cross between processes as `marshal`
bytes of plain tuples: pickling the named tuples cost 38 µs a row, marshal 8.
Each reader reads the whole file and prepares every n-th chunk; the writer takes them
back in turn, so line order, and with it "first occurrence wins", is kept. A small file
is done in-process, where starting processes would cost more than it saves.
"""

import marshal
import os
import queue
from collections.abc import Iterator
from itertools import count
from multiprocessing import get_context
from pathlib import Path

from nodes.importing.encodings import Encoding
from nodes.importing.mapping import Mapping_
from nodes.importing.prepare import KINDS, Outcome, chunks, prepare_chunk
from nodes.importing.readers import file_format, read_rows

READER_PROCESS_MIN_BYTES = 4_000_000  # about 15,000 standard rows
QUEUE_CHUNKS = 4


def prepared_chunks(path: Path, record_type: str, mapping: Mapping_,
                    encoding: Encoding | None = None,
                    source: str | None = None) -> Iterator[list[Outcome]]:
    cores = os.cpu_count() or 1
    if path.stat().st_size < READER_PROCESS_MIN_BYTES or cores < 2:
        for chunk in chunks(read_rows(path, mapping, encoding)):
            yield prepare_chunk(chunk, record_type, mapping, source)
        return
    # Parsing a spreadsheet costs more than preparing its rows: read it only once.
    readers = 1 if file_format(path, mapping) == "xlsx" else min(cores, 2)
    yield from _from_reader_processes(path, record_type, mapping, encoding, source, readers)


def _read_and_prepare(path: Path, record_type: str, mapping: Mapping_,
                      encoding: Encoding | None, source: str | None, index: int,
                      readers: int, out) -> None:  # type: ignore[no-untyped-def]
    try:
        for number, chunk in enumerate(chunks(read_rows(path, mapping, encoding))):
            if number % readers == index:
                prepared = prepare_chunk(chunk, record_type, mapping, source)
                out.put(("chunk", marshal.dumps([(KINDS.index(type(item)), tuple(item))
                                                 for item in prepared])))
    except Exception as exc:  # handed to the writer, which raises it as its own
        out.put(("error", exc))
    out.put(("done", None))


def _from_reader_processes(path: Path, record_type: str, mapping: Mapping_,
                           encoding: Encoding | None, source: str | None, readers: int
                           ) -> Iterator[list[Outcome]]:
    context = get_context("spawn")  # no fork: the parent may hold threads and connections
    channels = [context.Queue(maxsize=QUEUE_CHUNKS) for _ in range(readers)]
    processes = [
        context.Process(target=_read_and_prepare, name=f"liancha-import-reader-{index}",
                        args=(path, record_type, mapping, encoding, source, index, readers,
                              channel),
                        daemon=True)
        for index, channel in enumerate(channels)
    ]
    for process in processes:
        process.start()
    try:
        for number in count():
            kind, payload = _receive(channels[number % readers], processes[number % readers])
            if kind == "done":
                return
            if kind == "error":
                raise payload
            yield [KINDS[kind](*item) for kind, item in marshal.loads(payload)]
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
            process.join()


def _receive(channel, process) -> tuple[str, object]:  # type: ignore[no-untyped-def]
    while True:
        try:
            return channel.get(timeout=1)
        except queue.Empty:
            if not process.is_alive():
                raise RuntimeError(
                    f"{process.name} stopped (exit code {process.exitcode})"
                ) from None
