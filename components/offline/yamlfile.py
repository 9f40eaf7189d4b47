"""YAML read as the Pulumi CLI reads it, keeping the line and column of every key for error messages.

The CLI parses Pulumi.yaml and stack files with Go's gopkg.in/yaml.v3, which differs from PyYAML's
`safe_load` in ways a user notices (yaml.v3 README, "Compatibility"; decode.go, resolve.go):

- YAML 1.2 booleans only: `true`/`false` (any case spelling of those). `yes`, `no`, `on`, `off` decode as text
  into untyped values, so `protect: yes` reaches the program as the string "yes", not as true.
- A timestamp-like plain scalar (`2025-01-01`) stays text in an untyped value.
- A key given twice in one mapping is an error ("mapping key ... already defined at line N"), never a silent
  overwrite.
- Integers may be written 0x…, 0o…, 0b…, legacy 0… octal, with `_` separators; too large for 64 bits, a float.

So we let PyYAML's reader, scanner, parser and composer build the node tree (with marks), and construct the
values ourselves with those rules. Nothing here raises anything but `YamlError`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

KeyPath = tuple[str | int, ...]
_PLAIN = "!plain"
_TAG = "tag:yaml.org,2002:"
_NULL = {"", "~", "null", "Null", "NULL"}
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?(0b[01_]+|0o[0-7_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*)")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_SPECIAL_FLOATS = {
    **dict.fromkeys((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), math.inf),
    **dict.fromkeys(("-.inf", "-.Inf", "-.INF"), -math.inf),
    **dict.fromkeys((".nan", ".NaN", ".NAN"), math.nan),
}
_INT64 = (-(2**63), 2**64 - 1)  # yaml.v3 tries int64, then uint64, then float


@dataclass(frozen=True)
class Mark:
    """A position in a file, 1-based as editors show it."""

    line: int
    column: int


class YamlError(Exception):
    """A file that is not the YAML the CLI would accept; the message names file, line and column."""

    def __init__(self, source: str, message: str, mark: Mark | None = None) -> None:
        self.source = source
        self.mark = mark
        self.detail = message
        where = f"{source}:{mark.line}:{mark.column}" if mark else source
        super().__init__(f"{where}: {message}")


@dataclass
class Document:
    """A parsed file: its value, where each key sits, and the keys given twice (reported, not fatal)."""

    value: Any
    marks: dict[KeyPath, Mark] = field(default_factory=dict)
    duplicates: list[tuple[KeyPath, Mark, Mark]] = field(default_factory=list)

    def mark(self, path: KeyPath) -> Mark | None:
        """The position of `path`, or of its nearest ancestor that exists in the file."""
        for end in range(len(path), 0, -1):
            if (found := self.marks.get(path[:end])) is not None:
                return found
        return None


class _Loader(Reader, Scanner, Parser, Composer, BaseResolver):
    """PyYAML up to the node tree; plain scalars keep the tag `!plain` so we resolve them as yaml.v3 does."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        BaseResolver.__init__(self)

    def resolve(self, kind: type[Node], value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode and implicit[0]:
            return _PLAIN
        return str(super().resolve(kind, value, implicit))  # type: ignore[no-untyped-call]


def _mark(node: Node) -> Mark:
    return Mark(node.start_mark.line + 1, node.start_mark.column + 1)


def plain_scalar(text: str) -> Any:
    """An untagged, unquoted scalar as yaml.v3 decodes it into an untyped value."""
    if text in _NULL:
        return None
    if text in _BOOL:
        return _BOOL[text]
    if text in _SPECIAL_FLOATS:
        return _SPECIAL_FLOATS[text]
    if _INT.fullmatch(text):
        digits = text.replace("_", "")
        sign = -1 if digits.startswith("-") else 1
        body = digits.lstrip("+-")
        prefix = body[:2].lower()
        if prefix in ("0b", "0o", "0x"):
            number = sign * int(body[2:], {"0b": 2, "0o": 8, "0x": 16}[prefix]) if body[2:] else None
        elif len(body) > 1 and body[0] == "0":
            # legacy octal (0755); not octal digits (09) fall through to a float, as in Go's ParseFloat
            number = sign * int(body, 8) if set(body) <= set("01234567") else None
            if number is None:
                return sign * float(body)
        else:
            number = sign * int(body)
        if number is None:
            return text
        return number if _INT64[0] <= number <= _INT64[1] else float(number)
    if _FLOAT.fullmatch(text):
        return float(text)
    return text


class _Builder:
    def __init__(self, source: str) -> None:
        self.source = source
        self.document = Document(None)

    def build(self, node: Node, path: KeyPath) -> Any:
        if isinstance(node, ScalarNode):
            return self._scalar(node)
        if isinstance(node, SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                self.document.marks[(*path, index)] = _mark(item)
                items.append(self.build(item, (*path, index)))
            return items
        if isinstance(node, MappingNode):
            return self._mapping(node, path)
        raise YamlError(self.source, "unsupported YAML node", _mark(node))

    def _scalar(self, node: ScalarNode) -> Any:
        text = str(node.value)
        tag = node.tag
        if tag == _PLAIN:
            return plain_scalar(text)
        if tag == f"{_TAG}str":
            return text
        if tag in (f"{_TAG}int", f"{_TAG}float", f"{_TAG}bool", f"{_TAG}null"):
            value: Any = plain_scalar(text)
            kind = tag.removeprefix(_TAG)
            wanted: dict[str, tuple[type, ...]] = {
                "int": (int,),
                "float": (int, float),
                "bool": (bool,),
                "null": (type(None),),
            }
            expected = wanted[kind]
            if (isinstance(value, bool) and kind != "bool") or not isinstance(value, expected):
                raise YamlError(self.source, f"{text!r} is not a valid !!{kind}", _mark(node))
            return float(plain_scalar(text)) if kind == "float" else value
        raise YamlError(
            self.source,
            f"the tag {tag} is not supported here; write plain YAML values (text, numbers, true/false)",
            _mark(node),
        )

    def _key(self, node: Node) -> str:
        if not isinstance(node, ScalarNode):
            raise YamlError(self.source, "a key must be plain text, not a list or a mapping", _mark(node))
        return str(node.value)

    def _mapping(self, node: MappingNode, path: KeyPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_seen: dict[str, Mark] = {}
        merged: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode) and key_node.tag == _PLAIN and key_node.value == "<<":
                merged |= self._merge(value_node, path)
                continue
            key = self._key(key_node)
            mark = _mark(key_node)
            if key in first_seen:
                self.document.duplicates.append(((*path, key), first_seen[key], mark))
            else:
                first_seen[key] = mark
                self.document.marks[(*path, key)] = mark
            result[key] = self.build(value_node, (*path, key))
        return {**merged, **result}

    def _merge(self, node: Node, path: KeyPath) -> dict[str, Any]:
        """`<<: *anchor` (yaml.v3 supports merge keys): keys given explicitly win."""
        sources = node.value if isinstance(node, SequenceNode) else [node]
        merged: dict[str, Any] = {}
        for source in reversed(sources):
            if not isinstance(source, MappingNode):
                raise YamlError(self.source, "<< merges mappings only", _mark(source))
            merged |= self._mapping(source, path)
        return merged


def _position(text: str, offset: int) -> Mark:
    before = text[:offset]
    return Mark(before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1)


def _code_point(character: object) -> int:
    return character if isinstance(character, int) else ord(str(character)[:1] or "?")


def parse(text: str, source: str) -> Document:
    """Parse YAML text; `source` names it in messages (a file path, or `--set key=value`)."""
    loader: _Loader | None = None
    try:
        loader = _Loader(text)  # the reader refuses characters YAML does not allow right here
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "not valid YAML"
        hint = "; YAML indents with spaces, never tabs" if "\\t" in problem or "\t" in problem else ""
        context = f" ({error.context})" if error.context and error.problem else ""
        position = Mark(mark.line + 1, mark.column + 1) if mark else None
        raise YamlError(source, f"not valid YAML: {problem}{context}{hint}", position) from None
    except yaml.reader.ReaderError as error:
        raise YamlError(
            source,
            f"character U+{_code_point(error.character):04X} is not allowed in YAML ({error.reason})",
            _position(text, error.position),
        ) from None
    except yaml.YAMLError as error:  # any other PyYAML error: still one line, never a traceback
        raise YamlError(source, f"not valid YAML: {error}") from None
    finally:
        if loader is not None:
            loader.dispose()
    builder = _Builder(source)
    builder.document.value = None if node is None else builder.build(node, ())
    return builder.document


def read(path: Path, shown_as: str | None = None) -> Document:
    """Read a YAML file as UTF-8 (a BOM is allowed), refusing other encodings with the byte's position."""
    source = shown_as or str(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise YamlError(source, f"cannot be read: {error.strerror}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = data[: error.start].decode("utf-8", errors="replace")
        mark = _position(before + "?", len(before))
        raise YamlError(source, f"is not UTF-8 text (byte 0x{data[error.start]:02x}); save it as UTF-8", mark) from None
    return parse(text, source)
