"""Parsers are fuzzed: random bytes and mutated real fixtures never raise and
never hit an unhandled error inside a parser (which would be reported as an
"internal error")."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arkisto.ingest import parse_path
from helpers import FIXTURES, HEINOLA

SAMPLES = [
    HEINOLA,
    next((FIXTURES / "mikkeli-cloudnc").glob("*.json")),
    FIXTURES / "helsinki-ahjo" / "decisions.json",
    next((FIXTURES / "espoo-dynasty").glob("*-*.html")),
    next((FIXTURES / "helsinki-ahjo").rglob("*.html")),
]
PDF = min((FIXTURES / "oulu-tweb").glob("*.pdf"), key=lambda p: p.stat().st_size)

FUZZ = settings(max_examples=60, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def check(tmp: Path, name: str, data: bytes) -> None:
    f = tmp / name
    f.write_bytes(data)
    result = parse_path(f)
    internal = [str(p) for p in result.problems if "internal error" in p.message]
    assert internal == [], internal
    for p in result.problems:
        assert str(f) in str(p)


@FUZZ
@given(data=st.binary(max_size=4096), suffix=st.sampled_from([".txt", ".json", ".html", ".jsonl", ""]))
def test_random_bytes(tmp_path_factory, data: bytes, suffix: str):
    check(tmp_path_factory.mktemp("fz"), "random" + suffix, data)


@st.composite
def mutated(draw, source: bytes):
    data = bytearray(source)
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(["flip", "cut", "dup", "insert"]))
        i = draw(st.integers(0, max(0, len(data) - 1)))
        if op == "flip" and data:
            data[i] ^= draw(st.integers(1, 255))
        elif op == "cut":
            del data[i : i + draw(st.integers(1, 200))]
        elif op == "dup":
            data[i:i] = data[i : i + draw(st.integers(1, 200))]
        else:
            data[i:i] = draw(st.sampled_from([b"\x00", b"{", b"}", b"<", b"]", b'"', b"\xc3", b"\xff", b"\n\n"]))
    return bytes(data)


@FUZZ
@given(st.data())
def test_mutated_real_fixtures(tmp_path_factory, data):
    source = data.draw(st.sampled_from(SAMPLES))
    blob = data.draw(mutated(source.read_bytes()[:60_000]))
    check(tmp_path_factory.mktemp("fz"), source.name, blob)


@settings(max_examples=15, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.data())
def test_mutated_pdf(tmp_path_factory, data):
    blob = data.draw(mutated(PDF.read_bytes()))
    check(tmp_path_factory.mktemp("fz"), PDF.name, blob)
